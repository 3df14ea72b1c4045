using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Metrics;

/// <summary>GET /metrics: <see cref="ChorusMetrics"/> in Prometheus' text exposition format, behind the token like /api.</summary>
public static class MetricsEndpoint
{
    public static async Task Handle(HttpContext context)
    {
        var metrics = context.RequestServices.GetRequiredService<ChorusMetrics>();
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}

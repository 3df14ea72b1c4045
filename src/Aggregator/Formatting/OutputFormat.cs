namespace Chorus.Aggregator.Formatting;

/// <summary>What stdout carries (--format, chorus.aggregator.format): text for people, one JSON object a line for programs.</summary>
public enum OutputFormat
{
    Text,
    Json,
}

using Chorus.Messages.Selection;

namespace Chorus.Messages.Tests.Selection;

/// <summary>Every refusal says where (character, term), what is wrong, and how to write it.</summary>
public class SelectorErrorTests
{
    private static string Refusal(string selector) => Assert.Throws<SelectorException>(() => Selector.Parse(selector)).Message;

    private static void AssertSays(string message, params string[] parts)
    {
        foreach (var part in parts)
            Assert.Contains(part, message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t ")]
    public void An_empty_selector_is_refused_with_examples(string selector) =>
        AssertSays(Refusal(selector), "empty", "e.g. web", "all");

    [Theory]
    [InlineData("a,,b", "character 3", "two commas")]
    [InlineData("a, ,b", "character 4", "two commas")]
    [InlineData("a, b,", "character 5", "ends with a comma")]
    [InlineData(", a", "character 1", "starts with a comma")]
    public void An_empty_alternative_is_refused(string selector, string where, string what) =>
        AssertSays(Refusal(selector), where, what, "remove the extra comma", "e.g. web, db");

    [Fact]
    public void An_unknown_prefix_suggests_the_nearest_one()
    {
        AssertSays(Refusal("web grp:web"), "character 5", "term \"grp:web\"", "unknown prefix grp:", "did you mean group:web?");
        AssertSays(Refusal("Node:eu"), "did you mean node:eu?");
        AssertSays(Refusal("host:eu-1"), "did you mean node:eu-1?");
        AssertSays(Refusal("status:running"), "did you mean state:running?");
    }

    [Fact]
    public void A_prefix_far_from_every_known_one_lists_them()
    {
        AssertSays(Refusal("color:red"), "unknown prefix color:", "node:, group:, label:, state:", "e.g. group:workers");
    }

    [Fact]
    public void A_prefix_on_a_process_name_is_refused_with_the_bare_name()
    {
        AssertSays(Refusal("proc:web"), "a process name takes no prefix", "e.g. web");
    }

    [Fact]
    public void A_colon_without_prefix_or_twice_is_refused()
    {
        AssertSays(Refusal(":web"), "no prefix", "e.g. group:web");
        AssertSays(Refusal("node:a:b"), "one prefix", "e.g. node:eu-1 group:web");
    }

    [Theory]
    [InlineData("state:stopped", "'stopped' is not a state")]
    [InlineData("state:", "state: needs a state")]
    [InlineData("state:Running", "'Running' is not a state")]
    public void An_unknown_state_is_refused_listing_the_six(string selector, string what) =>
        AssertSays(Refusal(selector), what, "waiting, running, ready, restarting, exited, given-up", "e.g. state:running");

    [Theory]
    [InlineData("!")]
    [InlineData("web ! db")]
    [InlineData("web, !")]
    public void A_lone_bang_is_refused(string selector) =>
        AssertSays(Refusal(selector), "'!' negates nothing", "with no space, e.g. !group:web");

    [Fact]
    public void A_double_bang_is_refused_with_the_term_itself()
    {
        AssertSays(Refusal("!!web"), "character 1", "negates twice", "write web (or !web for its opposite)");
    }

    [Fact]
    public void A_bang_inside_a_term_is_refused()
    {
        AssertSays(Refusal("web!"), "character 4", "'!' may only start a term", "e.g. !web*");
    }

    [Theory]
    [InlineData("web(1)", "character 4", "'(' (U+0028)")]
    [InlineData("(web, db)", "character 1", "'(' (U+0028)")]
    [InlineData("web\"", "character 4", "'\"' (U+0022)")]
    [InlineData("wéb", "character 2", "U+00E9")]
    [InlineData("w\u0007b", "character 2", "U+0007")]
    [InlineData("a/b", "character 2", "'/' (U+002F)")]
    [InlineData("web\u00A0db", "character 4", "U+00A0")] // a no-break space is not whitespace here
    public void A_bad_character_is_refused_by_position_with_the_character_set(string selector, string where, string shown)
    {
        var message = Refusal(selector);
        AssertSays(message, where, shown, "is not allowed", "A-Z a-z 0-9 . _ -", "e.g. group:web node:eu-*, db");
        Assert.DoesNotContain('\u0007', message);
    }

    [Fact]
    public void A_label_without_key_or_with_an_empty_value_is_refused()
    {
        AssertSays(Refusal("label:"), "label: needs a key", "e.g. label:tier=backend or label:tier");
        AssertSays(Refusal("label:=x"), "label: needs a key");
        AssertSays(Refusal("label:tier="), "no value after '='", "label:tier=VALUE", "label:tier for any value");
        AssertSays(Refusal("label:a=b=c"), "one '='", "e.g. label:tier=backend");
        AssertSays(Refusal("label:ti*=x"), "exact name, not a glob", "e.g. label:tier=back*");
    }

    [Fact]
    public void Node_and_group_need_a_value()
    {
        AssertSays(Refusal("node:"), "node: needs a name or glob", "write one, e.g. node:eu-*");
        AssertSays(Refusal("web group:"), "character 5", "group: needs a name or glob", "e.g. group:workers");
    }

    [Fact]
    public void An_equals_sign_outside_a_label_is_refused()
    {
        AssertSays(Refusal("tier=x"), "'=' belongs in a label term", "e.g. label:tier=backend");
        AssertSays(Refusal("group:a=b"), "'=' does not belong in a group: term", "label:KEY=VALUE");
    }

    [Fact]
    public void Negated_all_is_refused_as_selecting_nothing()
    {
        AssertSays(Refusal("web, !all"), "character 6", "term \"!all\"", "!all selects nothing", "leave it out (to select everything, write all)");
    }

    [Fact]
    public void A_long_term_is_named_by_its_start()
    {
        var message = Refusal("web grp:" + new string('x', 500));
        AssertSays(message, "character 5", "term \"grp:xxx", "...\"", "did you mean group:");
        Assert.True(message.Length < 400, message);
    }
}

using Tailor.Moderation;
using Tailor.Moderation.Detectors;

namespace Tailor.Tests.Moderation;

/// <summary>Personal data: each kind found with its span, and the look-alikes that must not be (numbers failing their checks, dates, versions).</summary>
public sealed class PiiDetectorTests
{
    private static readonly PiiDetector Detector = new();

    private static IReadOnlyList<TextSpan> Spans(string text) => Detector.Classify(text).Spans;

    private static void AssertFinds(string text, string label, string expected)
    {
        var result = Detector.Classify(text);
        var span = Assert.Single(result.Spans, s => s.Label == label);
        Assert.Equal(expected, text.Substring(span.Start, span.Length));
        Assert.Equal(ModerationCategories.Privacy, span.Category);
        Assert.Equal(1.0, result.ScoreOf(ModerationCategories.Privacy));
        Assert.Contains(ModerationCategories.Privacy, result.Flagged!);
    }

    [Theory]
    [InlineData("write to anna.smith+news@mail.example.co.uk today", "anna.smith+news@mail.example.co.uk")]
    [InlineData("Contact: BOB@EXAMPLE.ORG.", "BOB@EXAMPLE.ORG")]
    public void Finds_email_addresses(string text, string expected) => AssertFinds(text, "email", expected);

    [Theory]
    [InlineData("my card is 4111 1111 1111 1111 thanks", "4111 1111 1111 1111")]
    [InlineData("card: 5500-0000-0000-0004", "5500-0000-0000-0004")]
    [InlineData("amex 378282246310005 exp 12/29", "378282246310005")]
    public void Finds_payment_cards_that_pass_luhn(string text, string expected) => AssertFinds(text, "payment_card", expected);

    [Theory]
    [InlineData("order number 4111 1111 1111 1112")] // fails Luhn by one digit
    [InlineData("tracking 1234567812345678")]       // 16 digits, not Luhn-valid
    [InlineData("4111 1111-1111 1111")]             // mixed separators: not how a card is written
    [InlineData("serial 9999 9999 9999 9995")]      // Luhn-valid but no card network starts with 9
    public void Ignores_numbers_shaped_like_cards_that_are_not(string text) =>
        Assert.DoesNotContain(Spans(text), s => s.Label == "payment_card");

    [Theory]
    [InlineData("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32")]
    [InlineData("iban:DE89370400440532013000.", "DE89370400440532013000")]
    [InlineData("FR1420041010050500013M02606", "FR1420041010050500013M02606")]
    public void Finds_ibans_with_a_valid_checksum(string text, string expected) => AssertFinds(text, "iban", expected);

    [Theory]
    [InlineData("GB83 WEST 1234 5698 7654 32")]  // check digits off by one
    [InlineData("DE89370400440532013001")]        // last digit changed
    [InlineData("DE8937040044053201300")]         // one digit short for Germany
    public void Ignores_ibans_with_a_wrong_checksum_or_length(string text) => Assert.Empty(Spans(text));

    [Theory]
    [InlineData("call me on +44 20 7946 0958 after six", "+44 20 7946 0958")]
    [InlineData("office (555) 123-4567", "(555) 123-4567")]
    [InlineData("mobile 06 12 34 56 78", "06 12 34 56 78")]
    public void Finds_phone_numbers(string text, string expected) => AssertFinds(text, "phone", expected);

    [Theory]
    [InlineData("the meeting is on 2024-01-15 at 10:30")]
    [InlineData("upgrade from 1.2.3 to 1.2.4")]
    [InlineData("it costs 1,299.00 euros")]
    [InlineData("we sold 12345 units in 2023")]
    public void Ignores_dates_versions_prices_and_plain_numbers(string text) => Assert.Empty(Spans(text));

    [Theory]
    [InlineData("server at 192.168.1.20 is down", "192.168.1.20")]
    [InlineData("ping 2001:db8::8a2e:370:7334 now", "2001:db8::8a2e:370:7334")]
    public void Finds_ip_addresses(string text, string expected) => AssertFinds(text, "ip_address", expected);

    [Theory]
    [InlineData("version 999.1.1.1")]
    [InlineData("it is 12:30:45 now")]
    [InlineData("[server]\nhost = \"0.0.0.0\"\nport = 8080")]
    [InlineData("curl http://127.0.0.1:5000/health")]
    [InlineData("send it to 255.255.255.255")]
    [InlineData("listen on [::] and [::1]")]
    public void Ignores_things_that_look_like_ip_addresses(string text) => Assert.DoesNotContain(Spans(text), s => s.Label == "ip_address");

    [Theory]
    [InlineData("my ssn is 123-45-6789", "us_ssn", "123-45-6789")]
    [InlineData("NI number AB 12 34 56 C on file", "uk_nino", "AB 12 34 56 C")]
    [InlineData("DNI 12345678Z", "es_dni", "12345678Z")]
    [InlineData("NIR 1 85 05 78 006 084 91", "fr_nir", "1 85 05 78 006 084 91")]
    public void Finds_national_ids(string text, string label, string expected) => AssertFinds(text, label, expected);

    [Theory]
    [InlineData("ssn 000-12-3456")]   // area 000 is never issued
    [InlineData("ssn 666-12-3456")]   // nor is 666
    [InlineData("DNI 12345678A")]     // wrong check letter (Z is right)
    [InlineData("NIR 1 85 05 78 006 084 92")] // wrong key (91 is right)
    [InlineData("code GB 12 34 56 C")] // GB is not a valid NINO prefix
    public void Ignores_national_ids_that_fail_their_rules(string text) => Assert.Empty(Spans(text));

    [Theory]
    [InlineData("ship it to 221B Baker Street, London", "221B Baker Street")]
    [InlineData("I live at 1600 Pennsylvania Avenue", "1600 Pennsylvania Avenue")]
    [InlineData("Adresse: Hauptstraße 5, Berlin", "Hauptstraße 5")]
    [InlineData("au 12 rue de la Paix à Paris", "12 rue de la Paix")]
    public void Finds_street_addresses(string text, string expected) => AssertFinds(text, "street_address", expected);

    [Theory]
    [InlineData("I ran 5 miles down the road")]
    [InlineData("there are 3 main points in this street of ideas")]
    public void Ignores_sentences_with_numbers_and_street_words(string text) => Assert.DoesNotContain(Spans(text), s => s.Label == "street_address");

    [Fact]
    public void A_clean_text_scores_zero_and_flags_nothing()
    {
        var result = Detector.Classify("What is the capital of Australia?");
        Assert.Equal(0, result.ScoreOf(ModerationCategories.Privacy));
        Assert.Empty(result.Flagged!);
        Assert.Empty(result.Spans);
    }

    [Fact]
    public void Odd_input_is_a_result_not_an_error()
    {
        Assert.Empty(Spans(""));
        Assert.Empty(Spans("\ud800 lone surrogate \0 nul"));
        Assert.Empty(Spans(new string('9', 10_000)));
    }
}

import AINewsCore
import Testing

@testable import AINewsParse

@Suite struct DateParserTests {
    @Test(arguments: [
        ("Fri, 07 Jun 2024 10:00:00 GMT", "2024-06-07T10:00:00Z"),
        ("Fri, 07 Jun 2024 10:00:00 +0200", "2024-06-07T08:00:00Z"),
        ("Fri, 07 Jun 2024 10:00 EST", "2024-06-07T15:00:00Z"),
        ("Fri, 7 Jun 2024 03:00:00 PDT", "2024-06-07T10:00:00Z"),
        ("07 Jun 2024 10:00:00 GMT", "2024-06-07T10:00:00Z"),
        ("Fri,  07  Jun  2024  10:00:00  GMT", "2024-06-07T10:00:00Z"),
        ("Fri, 07 Jun 24 10:00:00 GMT", "2024-06-07T10:00:00Z"),
        ("Thu, 01 Jan 99 00:00:00 Z", "1999-01-01T00:00:00Z"),
        ("Friday, 07-Jun-2024 10:00:00 GMT", "2024-06-07T10:00:00Z"),
        ("Fri, 07 June 2024 10:00:00 -07:00", "2024-06-07T17:00:00Z"),
        ("Fri, 07 Jun 2024 10:00:00 A", "2024-06-07T09:00:00Z"),
        ("2024-06-07T10:00:00Z", "2024-06-07T10:00:00Z"),
        ("2024-06-07T10:00:00.123456+05:30", "2024-06-07T04:30:00Z"),
        ("2024-06-07T10:00:00-0700", "2024-06-07T17:00:00Z"),
        ("2024-06-07 10:00:00Z", "2024-06-07T10:00:00Z"),
        ("2024-06-07", "2024-06-07T00:00:00Z"),
        ("2024-06", "2024-06-01T00:00:00Z"),
        ("2024", "2024-01-01T00:00:00Z"),
        ("20240607T100000Z", "2024-06-07T10:00:00Z"),
        ("2024-06-07T24:00:00Z", "2024-06-08T00:00:00Z"),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"),
    ])
    func readsRealWorldShapes(text: String, expected: String) throws {
        let result = try #require(DateParser.parse(text))
        #expect(result.timestamp.rfc3339 == expected)
    }

    @Test func zonelessDatesAreUTCAndSaySo() throws {
        let result = try #require(DateParser.parse("2024-06-07T10:00:00"))
        #expect(result.timestamp.rfc3339 == "2024-06-07T10:00:00Z")
        #expect(result.assumedUTC)
        #expect(DateParser.parse("2024-06-07T10:00:00Z")?.assumedUTC == false)
    }

    @Test(arguments: [
        "", "yesterday", "2023-02-29T00:00:00Z", "Fri, 32 Jun 2024 10:00:00 GMT", "2024-13-01", "Jun 2024",
        "2003-2222222222222222222222222222222212-13T18:30:02Z", "Fri, 07 Jun 99999999999999999999999 10:00:00 GMT",
        "Fri, 07 Jun 2024 10:0000000000000000000000:00 GMT", "Fri, 07 Jun 2024 10:00:00 é", "Fri, 07 Jun 2024 10:00:00 Ω",
    ])
    func rejectsWhatIsNoDate(text: String) {
        #expect(DateParser.parse(text) == nil)
    }

    @Test func aBadDateNeverFailsTheFeed() throws {
        let feed = try Fixture.parse("bad-date.xml")
        #expect(!feed.bozo)
        #expect(feed.entries.count == 1)
        #expect(feed.entries.first?.published == nil)
        #expect(feed.problems.contains { $0.contains("unreadable date") })
    }
}

import AINewsCore
import Testing

/// Stored entries carry their dates as RFC 3339 text, which must read back as the same instant.
@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(1_717_754_400), "2024-06-07T10:00:00Z"),
        (Int64(951_825_599), "2000-02-29T11:59:59Z"),
        (Int64(-1), "1969-12-31T23:59:59Z"),
        (Int64(-62_167_219_200), "0000-01-01T00:00:00Z"),
        (Int64(253_402_300_799), "9999-12-31T23:59:59Z"),
    ])
    func writesRFC3339AndReadsItBack(seconds: Int64, text: String) {
        let timestamp = Timestamp(secondsSince1970: seconds)
        #expect(timestamp.rfc3339 == text)
        #expect(Timestamp(rfc3339UTC: text) == timestamp)
    }

    @Test func yearsPastFourDigitsStillPrint() {
        #expect(Timestamp(secondsSince1970: 253_402_300_800).rfc3339 == "10000-01-01T00:00:00Z")
    }
}

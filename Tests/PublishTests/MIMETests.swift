import AINewsCore
import Foundation
import Testing

@testable import AINewsPublish

@Suite struct MIMETests {
    /// Undoes quoted-printable, as a mail client does.
    func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count, input[index + 1] == 13, input[index + 2] == 10 {
                index += 3
            } else if input[index] == UInt8(ascii: "="), index + 2 < input.count,
                let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test func quotedPrintableRoundTripsLongLinesURLsAndUTF8() {
        let url = "https://example.org/" + String(repeating: "very-long-path-segment/", count: 8) + "?q=a=b"
        let text = "Café — “quotes” and = signs \nA line with trailing space \n\(url)\n" + String(repeating: "word ", count: 40) + "\n"
        let encoded = MIME.quotedPrintable(text)
        #expect(encoded.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.utf8.allSatisfy { $0 < 128 })
        #expect(decodeQuotedPrintable(encoded) == text)
    }

    @Test func headersCarryNoLineBreaksAndEncodeNonASCII() {
        let header = MIME.header("Subject", "Zéphyr ships\r\nBcc: victim@example.org")
        #expect(!header.replacingOccurrences(of: "\r\n ", with: " ").contains("\r\n"))
        #expect(!header.contains("\nBcc:"))
        #expect(header.utf8.allSatisfy { $0 < 128 })
        #expect(header.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        // ASCII words stay as they are; the encoded word decodes to UTF-8.
        let words = header.dropFirst("Subject:".count).split(whereSeparator: \.isWhitespace)
        #expect(Array(words.dropFirst()) == ["ships", "Bcc:", "victim@example.org"])
        let base64 = words[0].dropFirst("=?utf-8?B?".count).dropLast(2)
        #expect(String(decoding: Data(base64Encoded: String(base64))!, as: UTF8.self) == "Zéphyr")
        // Neighbouring non-ASCII words share encoded words, so the space between them survives.
        #expect(MIME.header("Subject", "Zoë Zéphyr ok").hasPrefix("Subject: =?utf-8?B?" + MIME.base64(Array("Zoë Zéphyr".utf8)) + "?= ok"))
        #expect(MIME.header("Subject", "a =?utf-8?B?x?= b").contains("=?utf-8?B?" + MIME.base64(Array("=?utf-8?B?x?=".utf8))))
    }

    @Test func asciiHeadersFoldAtSpaces() {
        let header = MIME.header("Subject", String(repeating: "weekly news ", count: 12))
        let lines = header.split(separator: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func mailboxesAreCheckedAndQuoted() throws {
        let plain = try #require(Mailbox("news@example.org"))
        #expect(plain.name == nil)
        #expect(plain.domain == "example.org")
        let named = try #require(Mailbox("\"AI, Weekly\" <news@example.org>"))
        #expect(named.name == "AI, Weekly")
        #expect(named.headerValue.joined(separator: " ") == "\"AI, Weekly\" <news@example.org>")
        #expect(Mailbox("Rédaction <news@example.org>")?.headerValue.first?.hasPrefix("=?utf-8?B?") == true)
        #expect(Mailbox("not an address") == nil)
        #expect(Mailbox("a@b") == nil)
        #expect(Mailbox("x@example.org>\r\nBcc: y@example.org") == nil)
        #expect(Mailbox("<x@exa mple.org>") == nil)
    }

    @Test func datesAreRFC5322() {
        #expect(MIME.date(Timestamp(year: 2024, month: 9, day: 30, hour: 7)!) == "Mon, 30 Sep 2024 07:00:00 +0000")
        #expect(MIME.date(Timestamp(year: 2026, month: 11, day: 29, hour: 23, minute: 5, second: 9)!) == "Sun, 29 Nov 2026 23:05:09 +0000")
    }
}

import AINewsCore
import AINewsDigest
import AINewsStore
import Foundation

/// One newsletter email for one recipient: RFC 5322 headers and a `multipart/alternative` body
/// with the plain-text digest (72 columns) and the HTML one, both UTF-8 quoted-printable. The
/// Message-ID is derived from the digest revision and the recipient, so a message re-sent after
/// a crash carries the same id and mail clients show it once.
public struct NewsletterMessage: Sendable {
    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var messageID: String
    public var source: String

    public struct Options: Sendable {
        public var subjectTemplate: String
        public var listID: String?
        public var unsubscribeMailto: String?
        public var unsubscribeURL: String?

        public init(subjectTemplate: String, listID: String? = nil, unsubscribeMailto: String? = nil, unsubscribeURL: String? = nil) {
            self.subjectTemplate = subjectTemplate
            self.listID = listID
            self.unsubscribeMailto = unsubscribeMailto
            self.unsubscribeURL = unsubscribeURL
        }
    }

    /// The MIME body every recipient of one revision gets, rendered once per mailing.
    public struct Body: Sendable {
        let boundary: String
        let text: String

        public init(digest: Digest, revision: StoredDigest) {
            boundary = "=_ainews_\(FNV1a.hex("\(revision.period) r\(revision.revision)"))"
            text = [
                "This is a MIME message: a plain-text and an HTML version of the same digest.",
                "",
                "--" + boundary,
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                MIME.quotedPrintable(DigestRenderer.text(digest)),
                "--" + boundary,
                "Content-Type: text/html; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                MIME.quotedPrintable(DigestRenderer.html(digest)),
                "--" + boundary + "--",
                "",
            ].joined(separator: "\r\n")
        }
    }

    public init(digest: Digest, revision: StoredDigest, from: Mailbox, to: Mailbox, date: Timestamp, options: Options) {
        self.init(
            body: Body(digest: digest, revision: revision), digest: digest, revision: revision, from: from, to: to, date: date, options: options)
    }

    /// A recipient's message around a body rendered once for the whole mailing.
    public init(body: Body, digest: Digest, revision: StoredDigest, from: Mailbox, to: Mailbox, date: Timestamp, options: Options) {
        self.from = from
        self.to = to
        subject = Self.subject(options.subjectTemplate, digest: digest)
        messageID = "<ainews.\(revision.period).r\(revision.revision).\(FNV1a.hex(to.address.lowercased()))@\(from.domain)>"
        var headers = [
            MIME.fold("From:", from.headerValue),
            MIME.fold("To:", to.headerValue),
            MIME.header("Subject", subject),
            "Date: " + MIME.date(date),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
        ]
        let listID = options.listID ?? "ainews.\(from.domain)"
        headers.append(MIME.header("List-Id", "AI models this week <\(listID)>"))
        var unsubscribe: [String] = []
        if let mailto = options.unsubscribeMailto { unsubscribe.append("<mailto:\(mailto)?subject=unsubscribe>") }
        if let url = options.unsubscribeURL { unsubscribe.append("<\(url)>") }
        if !unsubscribe.isEmpty {
            headers.append(
                MIME.fold("List-Unsubscribe:", unsubscribe.enumerated().map { $0.offset < unsubscribe.count - 1 ? $0.element + "," : $0.element }))
            if options.unsubscribeURL != nil { headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click") }
        }
        headers.append("Content-Type: multipart/alternative; boundary=\"\(body.boundary)\"")
        source = (headers + ["", body.text]).joined(separator: "\r\n")
    }

    /// Fills {period} {items} {stories} {open} {closed} {both} {none} (stories per section).
    static func subject(_ template: String, digest: Digest) -> String {
        var subject = template
        var values = ["period": digest.period.name, "items": String(digest.numbers.items), "stories": String(digest.numbers.stories)]
        for label in ["open", "closed", "both", "none"] { values[label] = String(digest.numbers.storiesByLabel[label] ?? 0) }
        for (name, value) in values { subject = subject.replacingOccurrences(of: "{\(name)}", with: value) }
        return subject
    }
}

import AINewsCore

/// One recipient's copy of one digest revision.
public struct Delivery: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// About to be handed to the mail server, or interrupted while it was.
        case sending
        case sent
        case failed
    }

    public var digestID: Int64
    public var recipient: String
    public var status: Status
    public var messageID: String
    public var attempts: Int
    /// The server refused it for good (5xx); not retried unless asked.
    public var isPermanent: Bool
    public var lastError: String?
    public var updatedAt: Timestamp
}

extension Store {
    /// The deliveries of one revision, by recipient.
    public func deliveries(digestID: Int64) throws -> [String: Delivery] {
        let statement = try database.prepare(
            """
            SELECT digest_id, recipient, status, message_id, attempts, permanent, last_error, updated_at
            FROM deliveries WHERE digest_id = ?1
            """
        ).bind([.integer(digestID)])
        var result: [String: Delivery] = [:]
        while try statement.next() {
            let delivery = Delivery(
                digestID: statement.integer(0) ?? 0, recipient: statement.text(1) ?? "",
                status: Delivery.Status(rawValue: statement.text(2) ?? "") ?? .failed, messageID: statement.text(3) ?? "",
                attempts: Int(statement.integer(4) ?? 0), isPermanent: statement.integer(5) == 1, lastError: statement.text(6),
                updatedAt: Timestamp(secondsSince1970: statement.integer(7) ?? 0))
            result[delivery.recipient] = delivery
        }
        return result
    }

    /// Records that a message is about to leave (committed before it does, so a crash leaves a
    /// trace); counts the attempt.
    public func beginDelivery(digestID: Int64, recipient: String, messageID: String, at time: Timestamp) throws {
        try database.prepare(
            """
            INSERT INTO deliveries (digest_id, recipient, status, message_id, attempts, updated_at) VALUES (?1, ?2, 'sending', ?3, 1, ?4)
            ON CONFLICT (digest_id, recipient) DO UPDATE SET status = 'sending', message_id = ?3, attempts = attempts + 1, updated_at = ?4
            WHERE status != 'sent'
            """
        ).bind([.integer(digestID), .text(recipient), .text(messageID), .integer(time.secondsSince1970)]).run()
    }

    /// Records how it went; a 'sent' delivery is never changed again.
    public func finishDelivery(
        digestID: Int64, recipient: String, sent: Bool, permanent: Bool = false, error: String? = nil, at time: Timestamp
    ) throws {
        try database.prepare(
            """
            UPDATE deliveries SET status = ?3, permanent = ?4, last_error = ?5, updated_at = ?6
            WHERE digest_id = ?1 AND recipient = ?2 AND status != 'sent'
            """
        ).bind([
            .integer(digestID), .text(recipient), .text(sent ? "sent" : "failed"), .integer(permanent ? 1 : 0), Statement.Value(error),
            .integer(time.secondsSince1970),
        ]).run()
    }
}

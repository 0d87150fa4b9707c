import AINewsCore
import AINewsDigest
import AINewsStore
import Foundation
import TestSupport
import Testing

@testable import AINewsPublish

/// The exactly-once loop over a real store and a real maildir; the SMTP path is tested against a
/// real server by Tests/Integration/publish-test.py.
@Suite struct PublisherTests {
    let store: Store
    let maildir: String
    let now = Timestamp(year: 2024, month: 9, day: 30, hour: 7)!
    let revision: StoredDigest
    let digest: Digest
    let scratch = ScratchFiles("publish")

    init() throws {
        store = try Store(path: scratch.path(".sqlite"))
        maildir = scratch.path("-maildir")
        let period = Period(week: "2024-W39")!
        digest = DigestBuilder().build(period: period, items: [], previous: nil)
        revision = try store.saveDigest(
            period: period.name, start: period.start, end: period.end, content: try DigestCoding.encode(digest), builtAt: now
        ).digest
        try store.markPublished(digestID: revision.id, at: now)
    }

    func publisher(_ transport: any MailTransport) -> Publisher {
        var publisher = Publisher(
            store: store, transport: transport, from: Mailbox("AI <news@ainews.test>")!,
            options: .init(subjectTemplate: "Week {period}: {stories} stories"), clock: { now }, sleep: { _ in })
        publisher.retries = 2
        return publisher
    }

    func delivered() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: maildir + "/new").sorted()
    }

    @Test func sendsEachRecipientOnceAcrossRuns() throws {
        let recipients = ["a@x.test", "b@x.test", "B@x.test", "c@x.test"].compactMap(Mailbox.init)
        let first = try publisher(MaildirTransport(directory: maildir)).publish(revision, digest: digest, to: recipients)
        #expect(first.sent == ["a@x.test", "b@x.test", "c@x.test"])
        #expect(try delivered().count == 3)
        let second = try publisher(MaildirTransport(directory: maildir)).publish(revision, digest: digest, to: recipients)
        #expect(second.sent.isEmpty)
        #expect(second.alreadySent.count == 3)
        #expect(try delivered().count == 3)
        let message = try String(contentsOfFile: maildir + "/new/" + delivered()[0], encoding: .utf8)
        #expect(message.contains("Subject: Week 2024-W39: 0 stories\r\n"))
        #expect(message.contains("Message-ID: <ainews.2024-W39.r1."))
    }

    @Test func anUnwritableMaildirStopsTheRunAndMarksNothingSent() throws {
        let blocked = maildir + "-file"
        FileManager.default.createFile(atPath: blocked, contents: Data("not a directory".utf8))
        let report = try publisher(MaildirTransport(directory: blocked)).publish(
            revision, digest: digest, to: ["a@x.test", "b@x.test"].compactMap(Mailbox.init))
        #expect(report.sent.isEmpty)
        #expect(report.stopped != nil)
        #expect(report.notTried == ["b@x.test"])
        #expect(try store.deliveries(digestID: revision.id)["a@x.test"]?.status == .failed)
        #expect(try store.deliveries(digestID: revision.id)["b@x.test"] == nil)
    }

    @Test func aSentDeliveryIsNeverReopened() throws {
        try store.beginDelivery(digestID: revision.id, recipient: "a@x.test", messageID: "<m@x>", at: now)
        try store.finishDelivery(digestID: revision.id, recipient: "a@x.test", sent: true, at: now)
        try store.beginDelivery(digestID: revision.id, recipient: "a@x.test", messageID: "<m@x>", at: now)
        try store.finishDelivery(digestID: revision.id, recipient: "a@x.test", sent: false, error: "late failure", at: now)
        let delivery = try #require(try store.deliveries(digestID: revision.id)["a@x.test"])
        #expect(delivery.status == .sent)
        #expect(delivery.attempts == 1)
    }
}

@Suite struct PublishLockTests {
    let scratch = ScratchFiles("lock")

    @Test func oneHolderAtATimeAndFreeAgainAfterwards() throws {
        let path = scratch.path()
        do {
            let first = try PublishLock(path: path)
            #expect(throws: PublishLock.Busy.self) { try PublishLock(path: path) }
            withExtendedLifetime(first) {}
        }
        let again = try PublishLock(path: path)
        withExtendedLifetime(again) {}
    }
}

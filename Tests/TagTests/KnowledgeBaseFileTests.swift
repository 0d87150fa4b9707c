import Testing

@testable import AINewsTag

@Suite struct KnowledgeBaseFileTests {
    @Test func userFileExtendsAndOverrides() throws {
        var base = try KnowledgeBaseFile.parse(
            """
            family Zeta closed vendor=Acme: zeta
            cue subject: model
            """, file: "shipped.kb")
        base.merge(
            try KnowledgeBaseFile.parse(
                """
                # A user's corrections
                family Zeta open vendor=Acme licence="Apache 2.0": zeta
                model "Zeta Pro" closed family=Zeta: zeta pro
                """, file: "/etc/ainews/local.kb"))
        let tagger = Tagger(knowledgeBase: base)
        #expect(tagger.tag(title: "Acme ships Zeta 9", body: "").label == .open)
        #expect(tagger.tag(title: "Acme ships Zeta Pro", body: "").label == .closed)
    }

    @Test(arguments: [
        ("famly Zeta open: zeta", 1, "unknown kind 'famly'"),
        ("model Zeta: zeta", 1, "needs 'open' or 'closed'"),
        ("\nmodel Zeta open since=yesterday: zeta", 2, "since=yesterday is not a date"),
        ("model Zeta open colour=blue: zeta", 1, "unknown option 'colour'"),
        ("model Zeta open zeta", 1, "found no ':'"),
        ("cue loud: zeta", 1, "a cue is 'cue KIND: phrases'"),
        ("model \"Zeta open: zeta", 1, "found no ':'"),
        ("model Zeta closed since=2024-01-01: zeta", 1, "since= only makes sense"),
        ("model Zeta open: # zeta", 1, "may not start with a wildcard"),
    ])
    func badRulesNameTheFileAndLine(text: String, line: Int, message: String) {
        do {
            _ = try KnowledgeBaseFile.parse(text, file: "local.kb")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "local.kb")
            #expect(error.line == line)
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.hasPrefix("local.kb:\(line): "))
        }
    }

    @Test func wildcardsMatchNumbersAndWords() throws {
        let base = try KnowledgeBaseFile.parse(
            """
            family Qwen open: qwen, qwen #
            family "Qwen tiers" closed: qwen # max, qwen max
            """, file: "t.kb")
        let tagger = Tagger(knowledgeBase: base)
        #expect(tagger.tag(title: "Qwen2.5-Max", body: "").label == .closed)
        #expect(tagger.tag(title: "Qwen 2.5 72B", body: "").label == .open)
    }
}

import FoundationEssentials

/// Finds and reads the knowledge-base files: the shipped directory (every `.kb` file, generated
/// ones first), then the user's extra files in the order given.
public enum KnowledgeBaseLoader {
    /// Where the shipped knowledge base is looked for, first match wins: `$AINEWS_KNOWLEDGE_BASE`,
    /// `Config/knowledge-base` beside the working directory or the executable's checkout, then
    /// the installed `/usr/local/share/ainews` and `/usr/share/ainews`.
    public static func defaultDirectory(executablePath: String) -> String? {
        var candidates: [String] = []
        if let fromEnvironment = ProcessInfo.processInfo.environment["AINEWS_KNOWLEDGE_BASE"] { candidates.append(fromEnvironment) }
        candidates.append("Config/knowledge-base")
        // .build/<triple>/release/ainews → the checkout's Config.
        var directory = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("Config/knowledge-base").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates += ["/usr/local/share/ainews/knowledge-base", "/usr/share/ainews/knowledge-base"]
        return candidates.first { isDirectory($0) }
    }

    /// Reads every `.kb` file of `directory` (names starting with "generated" first, then by
    /// name) and then `extraFiles`, each merged over what came before.
    public static func load(directory: String?, extraFiles: [String]) throws -> KnowledgeBase {
        var files: [String] = []
        if let directory {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".kb") }
            let ordered = names.sorted { ($0.hasPrefix("generated") ? 0 : 1, $0) < ($1.hasPrefix("generated") ? 0 : 1, $1) }
            files = ordered.map { directory + "/" + $0 }
        }
        files += extraFiles
        var base = KnowledgeBase()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw KnowledgeBaseError(file: file, line: 0, message: "cannot read the file")
            }
            base.merge(try KnowledgeBaseFile.parse(String(decoding: data, as: UTF8.self), file: file))
        }
        return base
    }

    private static func isDirectory(_ path: String) -> Bool {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) != nil
    }
}

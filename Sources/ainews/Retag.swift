import AINewsCore
import AINewsStore
import AINewsTag
import AINewsUpdate
import ArgumentParser
import Foundation

/// Where the store is: `--database`, else `$AINEWS_DATABASE`, else the systemd state directory.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database"), help: "The SQLite store (default: $AINEWS_DATABASE or /var/lib/ainews/ainews.sqlite).")
    var path: String?

    var resolvedPath: String {
        path ?? ProcessInfo.processInfo.environment["AINEWS_DATABASE"] ?? "/var/lib/ainews/ainews.sqlite"
    }
}

/// `ainews retag`: applies the current knowledge base to every stored entry, after the knowledge
/// base changed; entries whose tag does not change are left alone.
struct Retag: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tag every stored entry again with the current knowledge base.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let tagger = try knowledge.tagger()
        let store: Store
        do {
            store = try Store(path: database.resolvedPath)
        } catch {
            throw CommandFailure("\(database.resolvedPath): \(error)")
        }
        let entries = try store.entries()
        var counts: [TagResult.Label: Int] = [:]
        let tags = entries.map { stored -> (entryID: Int64, tag: StoredTag) in
            let result = tagger.tag(stored.entry)
            counts[result.label, default: 0] += 1
            return (stored.id, StoredTag(result))
        }
        let changed = try store.setTags(tags)
        let summary = TagResult.Label.allCases.map { "\($0.rawValue) \(counts[$0, default: 0])" }.joined(separator: ", ")
        print("retagged \(entries.count) entries (\(summary)); \(changed) tags changed")
    }
}

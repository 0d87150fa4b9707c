import ArgumentParser

@main
struct AINews: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ainews",
        abstract: "Follow the news about AI models and turn it into a weekly newsletter.",
        version: AINewsVersion.current,
        subcommands: [
            Feeds.self, FetchFeeds.self, Entries.self, Status.self, Parse.self, Tag.self, EvalTags.self, Retag.self, EvalStories.self,
            DigestCommand.self, Publish.self,
        ]
    )
}

enum AINewsVersion {
    static let current = "0.1.0"
}

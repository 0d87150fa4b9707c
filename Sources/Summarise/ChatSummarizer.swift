import AINewsFetch
import Foundation

/// An abstractive summary from an OpenAI-compatible chat endpoint (Ollama, llama.cpp's server,
/// vLLM, or a hosted API), used only where it answers well: any failure — no answer, an HTTP
/// error, a timeout, an answer that is empty, marked up or too long — returns an error, and the
/// caller keeps the extractive summary.
public struct ChatSummarizer: Sendable {
    /// The chat-completions URL, e.g. http://127.0.0.1:11434/v1/chat/completions.
    public var endpoint: String
    public var model: String
    /// Sent as `Authorization: Bearer …` when set.
    public var apiKey: String?
    public var timeoutSeconds = 60
    public var maxWords = 60

    public init(endpoint: String, model: String, apiKey: String? = nil) {
        self.endpoint = endpoint
        self.model = model
        self.apiKey = apiKey
    }

    public struct Source: Sendable {
        public var feed: String
        public var title: String
        public var text: String

        public init(feed: String, title: String, text: String) {
            self.feed = feed
            self.title = title
            self.text = text
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let instructions = """
        You summarise one news story about AI models for a weekly newsletter. Write one or two plain \
        sentences, at most 50 words, using only facts stated in the sources. No markup, no lists, no \
        preamble, no opinion.
        """

    /// The request's text: what the model is asked and shown (also the summary cache's key).
    public func prompt(title: String, sources: [Source]) -> String {
        var prompt = "Story: \(title)\n"
        for (number, source) in sources.prefix(6).enumerated() {
            prompt += "\nSource \(number + 1) (\(source.feed)): \(source.title)\n\(source.text.prefix(1500))\n"
        }
        return prompt
    }

    public func summary(title: String, sources: [Source]) -> Result<String, Failure> {
        let request: [String: Any] = [
            "model": model, "temperature": 0, "max_tokens": 160, "stream": false,
            "messages": [["role": "system", "content": Self.instructions], ["role": "user", "content": prompt(title: title, sources: sources)]],
        ]
        guard let body = try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys]) else {
            return .failure(Failure(description: "cannot encode the request"))
        }
        let fetch = FetchRequest(
            url: endpoint, maxBodyBytes: 1 << 20, connectTimeoutSeconds: min(10, timeoutSeconds), totalTimeoutSeconds: timeoutSeconds)
        let answer: (response: FetchResponse, body: [UInt8])
        do {
            answer = try HTTPPost.json(Array(body), to: fetch, headers: apiKey.map { ["Authorization: Bearer \($0)"] } ?? [])
        } catch {
            return .failure(Failure(description: "\(endpoint): \(error)"))
        }
        guard answer.response.status == 200 else { return .failure(Failure(description: "\(endpoint): HTTP \(answer.response.status)")) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
            let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any],
            let content = message["content"] as? String
        else { return .failure(Failure(description: "\(endpoint): not a chat completion")) }
        return clean(content).map { .success($0) } ?? .failure(Failure(description: "\(endpoint): unusable answer: \(content.prefix(80))"))
    }

    /// The answer as one line of plain sentences, or nil when it is not one.
    func clean(_ content: String) -> String? {
        let text = content.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let words = text.split(separator: " ").count
        guard words >= 4, words <= maxWords, !text.contains("<"), !text.contains("**"), !text.hasPrefix("#"),
            let last = text.last, ".!?\"”’)".contains(last)
        else { return nil }
        return text
    }
}

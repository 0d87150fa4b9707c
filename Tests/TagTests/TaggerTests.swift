import AINewsCore
import Foundation
import Testing

@testable import AINewsTag

/// The shipped knowledge base, as `ainews` loads it.
enum ShippedKnowledge {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/knowledge-base").path
    static let tagger: Tagger = {
        do {
            return Tagger(knowledgeBase: try KnowledgeBaseLoader.load(directory: directory, extraFiles: []))
        } catch {
            fatalError("the shipped knowledge base does not load: \(error)")
        }
    }()
}

@Suite struct TaggerTests {
    let tagger = ShippedKnowledge.tagger

    func label(_ title: String, _ body: String = "", date: String? = nil) -> TagResult.Label {
        tagger.tag(title: title, body: body, date: date.flatMap { Timestamp(rfc3339UTC: $0 + "T12:00:00Z") }).label
    }

    // MARK: - Traps a keyword match falls for

    @Test func openAIIsNotOpen() {
        #expect(label("OpenAI launches GPT-4o for all ChatGPT users") == .closed)
        #expect(label("OpenAI names a new chief financial officer") == .none)
    }

    @Test func openLetterAndOfficesAreNotOpenness() {
        #expect(label("AI researchers sign an open letter calling for a pause") == .none)
        #expect(label("OpenAI opens an office in Tokyo") == .none)
        #expect(label("Anthropic opens a London office and hires 40 researchers") == .none)
    }

    @Test func openToDevelopersViaTheAPIIsClosed() {
        #expect(label("GPT-4 Turbo is now open to all developers via the API") == .closed)
        #expect(label("Claude 3.5 Sonnet opens to all developers", "Access is through the Anthropic API.") == .closed)
    }

    @Test func closingARoundOrABetaIsNotClosedness() {
        #expect(label("Mistral AI closes a €600M funding round") == .none)
        #expect(label("xAI closed a $6 billion Series B round") == .none)
        #expect(label("Acme closed a beta of its chip design tool") == .none)
    }

    @Test func openSourcedToolsAreNotModels() {
        #expect(label("Anthropic open-sources the Model Context Protocol") == .none)
        #expect(label("OpenAI open-sourced its evaluation harness", "The library runs benchmarks against GPT-4 Turbo through the API.") == .closed)
        #expect(label("Apple releases MLX, an open-source machine-learning framework") == .none)
        #expect(label("Google open-sources the Gemma 2 model family") == .open)
    }

    @Test func productServingAnOpenModelIsOpen() {
        #expect(label("Groq serves Llama 3 70B at 800 tokens per second") == .open)
        #expect(label("Perplexity adds a chat mode", "It runs Mixtral 8x7B and Llama 2 70B.") == .open)
    }

    @Test func lineageIsNotASecondSubject() {
        #expect(
            label(
                "Gemma: open models built from Gemini research",
                "Gemma is built from the same research and technology used to create the Gemini models.") == .open)
    }

    @Test func bothKindsTogether() {
        #expect(label("A chat app offers Claude 3 Haiku and Llama 3 70B side by side") == .both)
        #expect(label("Enterprises spread their budgets across open and closed models") == .both)
    }

    @Test func offTopicItemsAreNone() {
        #expect(label("Nvidia unveils the B300 chip for AI data centers") == .none)
        #expect(label("EU lawmakers approve the AI Act") == .none)
        #expect(label("Hugging Face raises $235M") == .none)
    }

    // MARK: - Unknown models: cues decide

    @Test func unknownModelWithWeightsIsOpen() {
        #expect(label("Acme releases Zeta-9, a 12B model under Apache 2.0", "The weights are on Hugging Face.") == .open)
        #expect(label("Lab publishes a research-only video model", "Checkpoints are available for download under a non-commercial licence.") == .open)
    }

    @Test func unnamedModelsOfBothKinds() {
        #expect(label("Comparing an open-weights model with two proprietary ones") == .both)
    }

    @Test func unknownServiceIsClosed() {
        #expect(label("Startup launches a music generator", "It is available to paying subscribers through its web app.") == .closed)
        #expect(label("A new voice model, and why we are not releasing it", "The model is available only through our API.") == .closed)
    }

    // MARK: - Openness per version

    @Test func grokOneOpenedLaterGroks() {
        #expect(label("xAI releases the weights of Grok-1", date: "2024-03-18") == .open)
        #expect(label("xAI announces Grok-1, its first model", date: "2023-11-05") == .closed, "before the weights came out")
        #expect(label("xAI's Grok-1.5 reads 128K tokens", date: "2024-03-29") == .closed)
        #expect(label("Grok 3 tops the leaderboard", date: "2025-02-18") == .closed)
    }

    @Test func mistralLargeOneClosedTwoOpen() {
        #expect(label("Mistral launches Mistral Large") == .closed)
        #expect(label("Mistral Large 2 weights are out for research") == .open)
        #expect(label("Mistral 7B is released under Apache 2.0") == .open)
    }

    @Test func qwenOpenReleasesAndAPITiers() {
        #expect(label("Alibaba releases Qwen2.5-72B") == .open)
        #expect(label("Alibaba's Qwen2.5-Max beats DeepSeek V3") == .both)
        #expect(label("Qwen 3.6 Plus arrives in Alibaba Cloud's API") == .closed)
        #expect(label("Qwen-Turbo gets cheaper") == .closed)
    }

    @Test func familiesOfOneLab() {
        #expect(label("Google releases Gemma 3") == .open)
        #expect(label("Google launches Gemini 2.5 Pro") == .closed)
        #expect(label("OpenAI releases gpt-oss-120b") == .open)
        #expect(label("OpenAI launches GPT-5") == .closed)
        #expect(label("Meta releases Llama 4 Scout and Maverick") == .open)
        #expect(label("Moonshot's Kimi K2 is out", date: "2025-07-12") == .open)
        #expect(label("Moonshot launches Kimi k1.5", date: "2025-01-20") == .closed)
    }

    @Test func modelsFromTheDataTables() {
        #expect(label("NVIDIA releases Nemotron 3 Ultra") == .open)
        #expect(label("Anthropic ships Claude Opus 4.7") == .closed)
        #expect(label("DeepSeek-V4-Pro lands") == .open)
    }

    @Test func reasonsAndModelsAreReported() {
        let result = tagger.tag(title: "Meta releases Llama 3 70B", body: "")
        #expect(result.models.count == 1)
        #expect(result.models.first?.name.hasPrefix("Llama 3") == true)
        #expect(result.models.first?.openness == .open)
        #expect(result.reason.contains("Llama 3"))
    }
}

import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

/// `pushnote-bench chat`: what the chat step costs the commands it rides on.
///
/// Two figures, each from whole `pushnote` processes in interleaved rounds, medians:
/// - latency: from starting `pushnote time end` to its message arriving in the channel of a real
///   ngIRCd on 127.0.0.1 (TLS), read by a second client, against the same command in a notebook
///   without chat (the reference: the command itself), and the server's own floor: how long a bare
///   client takes from connecting to being in the channel (ngIRCd holds a client's commands for
///   about a second after it registers, which no client can shorten);
/// - server down: what a chat destination nobody answers adds to `pushnote time` and to
///   `pushnote tag` (the message is queued), against the same commands without chat. Goal: under
///   100 ms, because a queued message must never hold up the push.
struct ChatBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat", abstract: "The chat step's cost: time end to message in channel; tag and time with the server down.")

  @Option(help: "Rounds (each runs every variant once, alternating which goes first).") var rounds = 7

  func run() async throws {
    let pushnote = Fixtures.builtExecutable("pushnote")
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let downPort = try IRCTestServer.freePort()
    let down = "  - {kind: irc, url: \"ircs://127.0.0.1:\(downPort)/#push\", nick: pushnote}\n"
    // One notebook per variant, each tagging its own week every round.
    let plain = try await Self.fixture(chat: nil, rounds: rounds)
    let online = try await Self.fixture(chat: server.yaml(), rounds: rounds)
    let offline = try await Self.fixture(chat: down, rounds: rounds)
    var reference: [Double] = []
    var latency: [Double] = []
    // The server's floor, once before the rounds (a probe in every round once waited 10 s for ngIRCd; not understood).
    let probeStart = ContinuousClock.now
    let probe = try await IRCListener.join(port: server.port, nick: "probe", channels: ["#push"])
    let floor = [(ContinuousClock.now - probeStart).seconds]
    probe.stop()
    var timeWithout: [Double] = []
    var timeDown: [Double] = []
    var tagWithout: [Double] = []
    var tagDown: [Double] = []
    for round in 0..<rounds {
      let date = Self.date(round)
      let order = round.isMultiple(of: 2) ? [0, 1, 2] : [2, 1, 0]
      for variant in order {
        switch variant {
        case 0:
          reference.append(try await Self.timed(pushnote, ["time", "end", "--note", date, "--notebook", plain.root]))
          timeWithout.append(try await Self.timed(pushnote, ["time", "round \(round)", "--note", date, "--notebook", plain.root]))
          tagWithout.append(try await Self.timed(pushnote, ["tag", date, "--notebook", plain.root]))
        case 1:
          let before = listener.texts(in: "#push").count
          let start = ContinuousClock.now
          let run = Task { try await ProcessRunner.run(pushnote, ["time", "end", "--note", date, "--notebook", online.root]) }
          try await listener.wait(for: "the push-finished message", timeout: 30) { messages in
            messages.filter { $0.command == "PRIVMSG" }.count > before
          }
          latency.append((ContinuousClock.now - start).seconds)
          guard try await run.value.status == 0 else { throw ValidationError("time end failed") }
        default:
          timeDown.append(try await Self.timed(pushnote, ["time", "round \(round)", "--note", date, "--notebook", offline.root]))
          tagDown.append(try await Self.timed(pushnote, ["tag", date, "--notebook", offline.root]))
        }
      }
    }
    let queued = try ChatNotifier.queued(in: try offline.notebook()).count
    print("chat: \(rounds) rounds; ngIRCd over TLS on 127.0.0.1; the down server refuses (port \(downPort))")
    print(
      String(format: "  time end, no chat (reference):        median %.3f s  runs %@", Timing.median(reference), Timing.format(reference)))
    print(String(format: "  time end to the message in channel:   median %.3f s  runs %@", Timing.median(latency), Timing.format(latency)))
    print(String(format: "    the chat step adds                  %.0f ms", (Timing.median(latency) - Timing.median(reference)) * 1000))
    print(
      String(
        format: "    of which the server's floor         %.0f ms (a bare client from connect to joined, runs %@)",
        Timing.median(floor) * 1000, Timing.format(floor)))
    for (name, without, with) in [("time", timeWithout, timeDown), ("tag", tagWithout, tagDown)] {
      print(
        String(
          format: "  %@, no chat (reference):              median %.3f s  runs %@", name, Timing.median(without), Timing.format(without)))
      print(
        String(format: "  %@, server down (queued):             median %.3f s  runs %@", name, Timing.median(with), Timing.format(with)))
      print(
        String(
          format: "    the chat step adds                  %.0f ms (goal: < 100 ms)", (Timing.median(with) - Timing.median(without)) * 1000)
      )
    }
    print("  messages left queued for the down server: \(queued)")
    server.stop()
  }

  /// The push date of a round: one Tuesday a week from 2027-01-05.
  static func date(_ round: Int) -> String { PushDate("2027-01-05")?.adding(days: 7 * round).iso ?? "2027-01-05" }

  /// A release notebook with one repository and a note per round, chat to `chat` (nil for none).
  static func fixture(chat: String?, rounds: Int) async throws -> ReleaseFixture {
    let fixture = try await ReleaseFixture(repositories: ["bench/api"], commits: 50)
    if let chat {
      let config = (fixture.root as NSString).appendingPathComponent("pushnote.yml")
      try (try String(contentsOfFile: config, encoding: .utf8) + "chat:\n" + chat).write(toFile: config, atomically: true, encoding: .utf8)
    }
    for round in 0..<rounds {
      let date = Self.date(round)
      try await fixture.addNote(
        "\(date.prefix(4))/mkt-\(date).md", "# Bench push \(date)\n\n- Release manager: rita\n\n## Timeline\n\n- 11:00 start\n")
    }
    return fixture
  }

  /// Runs a command to the end and returns its seconds; a failure stops the benchmark.
  static func timed(_ executable: String, _ arguments: [String]) async throws -> Double {
    let start = ContinuousClock.now
    let result = try await ProcessRunner.run(executable, arguments)
    guard result.status == 0 else { throw ValidationError("\(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)") }
    let seconds = (ContinuousClock.now - start).seconds
    if seconds > 5 {
      FileHandle.standardError.write(Data("slow (\(seconds) s): \(arguments.joined(separator: " ")): \(result.stderr)\n".utf8))
    }
    return seconds
  }
}

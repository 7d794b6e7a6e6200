import Foundation

/// What pushnote's HTTP clients (the pad, Jenkins) need to know of a server's address before they
/// talk to it or name it in a message.
public enum ServerURL {
  /// The address with any credentials it carries masked: the user information (`user:pass@`) and
  /// every query value (`?apikey=…`) become `***`, so a message can name the server safely.
  ///
  /// Works on any text, also one that is not a valid URL.
  public static func masked(_ text: String) -> String {
    var result = Substring(text)
    var prefix = ""
    if let scheme = result.range(of: "://") {
      prefix = String(result[..<scheme.upperBound])
      result = result[scheme.upperBound...]
    }
    let authorityEnd = result.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? result.endIndex
    if let at = result[..<authorityEnd].lastIndex(of: "@") {
      result = "***" + result[at...]
    }
    guard let question = result.firstIndex(of: "?") else { return prefix + result }
    let fragmentStart = result[question...].firstIndex(of: "#") ?? result.endIndex
    let query = result[result.index(after: question)..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false).map {
      pair in pair.firstIndex(of: "=").map { pair[...$0] + "***" } ?? "***"
    }
    return prefix + result[...question] + query.joined(separator: "&") + (fragmentStart < result.endIndex ? "#***" : "")
  }

  /// Whether a host is this machine's loopback (`localhost`, `127.0.0.0/8`, `::1`): the only hosts
  /// plain http may carry credentials to.
  public static func isLoopback(_ host: String) -> Bool {
    // Brackets trimmed by hand: building a CharacterSet costs a fair part of a no-op sync.
    var host = Substring(host.lowercased())
    while host.first == "[" || host.first == "]" { host = host.dropFirst() }
    while host.last == "[" || host.last == "]" { host = host.dropLast() }
    if host == "localhost" || host == "::1" { return true }
    let octets = host.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
  }
}

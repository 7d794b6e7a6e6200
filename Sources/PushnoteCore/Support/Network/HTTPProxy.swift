import Foundation

/// The HTTP proxy a connection goes through, taken from the environment as curl takes it (and
/// so URLSession on Linux did): `https_proxy` (or `HTTPS_PROXY`) for https, `http_proxy` for
/// http, none for a host that `no_proxy` (or `NO_PROXY`) lists.
///
/// `no_proxy` is a comma-separated list of host names, each matching the host and its
/// subdomains (a leading dot is ignored), or `*` for every host; ports are ignored. Without it,
/// loopback hosts go direct. https is tunnelled with `CONNECT`, so TLS and its checks stay
/// between pushnote and the server; http goes to the proxy in absolute form.
struct HTTPProxy: Sendable, Equatable {
  /// The proxy's host (an IPv6 address without brackets).
  var host: String
  /// The proxy's port (1080 when the variable gives none, as curl assumes).
  var port: Int
  /// `Proxy-Authorization` for the user and password the variable carries.
  var authorization: String?

  /// The proxy for `origin`; nil to go direct.
  ///
  /// - Throws: ``HTTPTransport/Failure/invalidRequest(_:)`` for a variable that is not an
  ///   `http://` proxy URL.
  static func choose(for origin: HTTPOrigin, environment: [String: String]) throws(HTTPTransport.Failure) -> HTTPProxy? {
    let names = origin.scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
    guard let name = names.first(where: { environment[$0]?.isEmpty == false }), let text = environment[name] else { return nil }
    if let list = environment["no_proxy"] ?? environment["NO_PROXY"] {
      if bypasses(list, origin.host) { return nil }
    } else if ServerURL.isLoopback(origin.host) {
      return nil
    }
    guard let url = URL(string: text.contains("://") ? text : "http://" + text), url.scheme?.lowercased() == "http",
      let host = url.host, !host.isEmpty
    else {
      throw .invalidRequest("\(name)=\(ServerURL.masked(text)) is not an http:// proxy URL")
    }
    let authorization = url.user.map { user in
      let credentials = (user.removingPercentEncoding ?? user) + ":" + (url.password.map { $0.removingPercentEncoding ?? $0 } ?? "")
      return "Basic " + Data(credentials.utf8).base64EncodedString()
    }
    return HTTPProxy(host: host, port: url.port ?? 1080, authorization: authorization)
  }

  /// Whether a `no_proxy` list names `host`.
  static func bypasses(_ list: String, _ host: String) -> Bool {
    list.split(separator: ",").contains { entry in
      var name = entry.trimmingCharacters(in: .whitespaces).lowercased()
      if name == "*" { return true }
      if name.hasPrefix(".") { name.removeFirst() }
      if name.hasPrefix("["), let end = name.firstIndex(of: "]") { name = String(name[name.index(after: name.startIndex)..<end]) }
      if !name.contains("]"), name.filter({ $0 == ":" }).count == 1, let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
      return !name.isEmpty && (host == name || host.hasSuffix("." + name))
    }
  }

  /// The `host:port` a `CONNECT` and an absolute-form target name.
  static func authority(of origin: HTTPOrigin) -> String {
    (origin.host.contains(":") ? "[\(origin.host)]" : origin.host) + ":\(origin.port)"
  }
}

import Foundation

/// Where an HTTP request goes: scheme, host and port, the scheme's default port counted (RFC 6454).
struct HTTPOrigin: Hashable, Sendable {
  /// `http` or `https`.
  var scheme: String
  /// The host, lower case; an IPv6 address without its brackets.
  var host: String
  /// The port.
  var port: Int

  /// The origin of an `http` or `https` URL with a host; nil for any other.
  init?(_ url: URL) {
    guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host?.lowercased(), !host.isEmpty
    else { return nil }
    self.scheme = scheme
    self.host = host
    port = url.port ?? (scheme == "https" ? 443 : 80)
  }

  /// The `Host` field: the host (an IPv6 address in brackets), with the port unless it is the
  /// scheme's default.
  var hostField: String {
    let name = host.contains(":") ? "[\(host)]" : host
    return port == (scheme == "https" ? 443 : 80) ? name : "\(name):\(port)"
  }
}

/// One HTTP/1.1 connection to one origin over ``TCPConnection`` (TLS for `https`, with the
/// server's certificate and name checked): it writes a request and reads its response, framed by
/// `Content-Length`, by chunks, or by the end of the stream (RFC 9112 §6), and says whether it
/// can carry another request.
///
/// Blocking; one exchange at a time. Every read waits at most until the exchange's deadline.
final class HTTPConnection {
  /// The largest status line plus header section (and chunked trailer section) accepted.
  static let headLimit = 64 << 10
  let origin: HTTPOrigin
  /// The proxy the connection goes through, if any.
  let proxy: HTTPProxy?
  private let connection: TCPConnection
  /// Bytes received and not yet parsed start at `buffer[position]`.
  private var buffer: [UInt8] = []
  private var position = 0
  /// How many bytes of the current response came before `buffer[0]`: the offset of a byte in
  /// the response is `discarded + its index`.
  private var discarded = 0

  /// Connects, to the server or through `proxy` (a `CONNECT` tunnel for `https`), and shakes
  /// hands for `https`, before `deadline`.
  ///
  /// - Throws: ``HTTPTransport/Failure/connection(_:)`` when no connection came about.
  init(origin: HTTPOrigin, proxy: HTTPProxy?, caFile: String?, deadline: Date) throws(HTTPTransport.Failure) {
    self.origin = origin
    self.proxy = proxy
    let seconds = try Self.remaining(until: deadline)
    do {
      connection = try TCPConnection(host: proxy?.host ?? origin.host, port: proxy?.port ?? origin.port, timeout: seconds)
    } catch {
      throw .connection(error)
    }
    guard origin.scheme == "https" else { return }
    if let proxy { try openTunnel(through: proxy, deadline: deadline) }
    do {
      try connection.startTLS(host: origin.host, caFile: caFile)
    } catch {
      throw .connection(error)
    }
  }

  /// Asks the proxy for a tunnel to the origin (`CONNECT host:port`, RFC 9110 §9.3.6).
  private func openTunnel(through proxy: HTTPProxy, deadline: Date) throws(HTTPTransport.Failure) {
    let authority = HTTPProxy.authority(of: origin)
    var head = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
    if let authorization = proxy.authorization { head += "Proxy-Authorization: \(authorization)\r\n" }
    do {
      try connection.write(Array((head + "\r\n").utf8))
    } catch {
      throw .connection(error)
    }
    let status = try readHead(deadline: deadline).status
    guard (200...299).contains(status), position == buffer.count else {
      let reason = "the proxy \(proxy.host):\(proxy.port) answered CONNECT with HTTP \(status)"
      throw .connection(.cannotConnect(host: origin.host, port: origin.port, reason: reason))
    }
    buffer.removeAll(keepingCapacity: true)
    position = 0
  }

  /// Whether the server said nothing and did not close since the last response: a kept-alive
  /// connection fit to carry another request.
  var isIdle: Bool { !connection.hasInput }

  /// Sends `request` and reads its response, its body at most `limit` bytes; `reusable` tells
  /// whether the connection may carry another request.
  ///
  /// - Throws: ``HTTPTransport/Failure``: `.connection(.closed)` when the server closed the
  ///   connection (``receivedNothing`` then tells whether any of the response had come).
  func exchange(
    _ request: HTTPTransport.Request, limit: Int, deadline: Date
  ) throws(HTTPTransport.Failure) -> (
    response: HTTPTransport.Response, reusable: Bool
  ) {
    let bytes = try Self.serialize(request, origin: origin, proxy: proxy)
    buffer.removeAll(keepingCapacity: true)
    position = 0
    discarded = 0
    do {
      try connection.write(bytes)
    } catch {
      throw .connection(error)
    }
    while true {
      let (status, version, headers, offsets) = try readHead(deadline: deadline)
      // Interim answers (100 Continue, 103 Early Hints) precede the final one; 101 is not asked for.
      if (100...199).contains(status) && status != 101 { continue }
      let persistent =
        version == "HTTP/1.1"
        ? !Self.tokens(headers["connection"]).contains("close") : Self.tokens(headers["connection"]).contains("keep-alive")
      let (body, framed) = try readBody(
        status: status, headers: headers, offsets: offsets, method: request.method, limit: limit, deadline: deadline)
      let response = HTTPTransport.Response(status: status, headers: headers, body: body)
      return (response, persistent && framed && position == buffer.count)
    }
  }

  /// Whether nothing of the current response has arrived: a reused connection the server closed
  /// before answering (the request may be sent again on a new one if it is idempotent).
  var receivedNothing: Bool { discarded + buffer.count == 0 }

  // MARK: Request

  /// The request's bytes: request line, header fields, blank line, body; the target in absolute
  /// form, with the proxy's credentials, for an `http` request through a proxy.
  ///
  /// - Throws: ``HTTPTransport/Failure/invalidRequest(_:)`` for a method, header field or target
  ///   that would break the message (a CR or LF in a value, say).
  static func serialize(
    _ request: HTTPTransport.Request, origin: HTTPOrigin, proxy: HTTPProxy?
  ) throws(HTTPTransport.Failure) -> [UInt8] {
    guard !request.method.isEmpty, request.method.utf8.allSatisfy(isTokenByte) else {
      throw .invalidRequest("the method \(request.method) is not a token")
    }
    guard let components = URLComponents(url: request.url, resolvingAgainstBaseURL: true) else {
      throw .invalidRequest("cannot read the URL's path")
    }
    var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
    if let query = components.percentEncodedQuery { target += "?" + query }
    var head = "\(request.method) \(target) HTTP/1.1\r\nHost: \(origin.hostField)\r\n"
    if let proxy, origin.scheme == "http" {
      head = "\(request.method) http://\(origin.hostField)\(target) HTTP/1.1\r\nHost: \(origin.hostField)\r\n"
      if let authorization = proxy.authorization { head += "Proxy-Authorization: \(authorization)\r\n" }
    }
    let owned: Set<String> = ["host", "content-length", "connection", "user-agent", "transfer-encoding", "proxy-authorization"]
    for (name, value) in request.headers where !owned.contains(name.lowercased()) {
      guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { throw .invalidRequest("the header name \(name) is not a token") }
      guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
        throw .invalidRequest("the header \(name) holds a line break")
      }
      head += "\(name): \(value)\r\n"
    }
    if request.value(forHTTPHeaderField: "Accept") == nil { head += "Accept: */*\r\n" }
    if let body = request.body {
      head += "Content-Length: \(body.count)\r\n"
    } else if ["POST", "PUT", "PATCH"].contains(request.method) {
      head += "Content-Length: 0\r\n"
    }
    head += "User-Agent: pushnote\r\nConnection: keep-alive\r\n\r\n"
    return Array(head.utf8) + (request.body.map { Array($0) } ?? [])
  }

  // MARK: Response

  /// Reads the status line and the header fields; names lowercased, repeated fields joined with
  /// `, ` (RFC 9110 §5.3); `offsets` says where each name was first given.
  private func readHead(
    deadline: Date
  ) throws(HTTPTransport.Failure) -> (
    status: Int, version: String, headers: [String: String], offsets: [String: Int]
  ) {
    let start = discarded + position
    let (statusLine, statusOffset) = try readLine(deadline: deadline, headStart: start)
    let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
    let version = String(decoding: parts[0], as: UTF8.self)
    guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
      throw .malformedResponse(offset: statusOffset, detail: "the status line does not start with HTTP/1.1 or HTTP/1.0")
    }
    guard parts.count >= 2, parts[1].count == 3, parts[1].allSatisfy({ (0x30...0x39).contains($0) }),
      let status = Int(String(decoding: parts[1], as: UTF8.self)), status >= 100
    else {
      throw .malformedResponse(offset: statusOffset + parts[0].count + 1, detail: "no three-digit status code in the status line")
    }
    var headers: [String: String] = [:]
    var offsets: [String: Int] = [:]
    while true {
      let (line, offset) = try readLine(deadline: deadline, headStart: start)
      if line.isEmpty { return (status, version, headers, offsets) }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
        throw .malformedResponse(offset: offset, detail: "a header line without a colon")
      }
      guard colon > line.startIndex, line[..<colon].allSatisfy(Self.isTokenByte) else {
        let bad = line[..<colon].firstIndex { !Self.isTokenByte($0) } ?? colon
        throw .malformedResponse(offset: offset + bad - line.startIndex, detail: "a header name holds a byte that is not a token character")
      }
      let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
      let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: [" ", "\t"])
      headers[name] = headers[name].map { "\($0), \(value)" } ?? value
      offsets[name] = offsets[name] ?? offset
    }
  }

  /// Reads the body as the response frames it; `framed` is false when it ran to the end of the
  /// stream (the connection is then spent).
  private func readBody(
    status: Int, headers: [String: String], offsets: [String: Int], method: String, limit: Int, deadline: Date
  ) throws(HTTPTransport.Failure) -> (body: Data, framed: Bool) {
    if method == "HEAD" || status == 204 || status == 304 { return (Data(), true) }
    if let coding = headers["transfer-encoding"] {
      guard Self.tokens(coding) == ["chunked"] else {
        throw .malformedResponse(offset: offsets["transfer-encoding"] ?? 0, detail: "unsupported transfer coding \(coding)")
      }
      return (try readChunks(limit: limit, deadline: deadline), true)
    }
    if let field = headers["content-length"] {
      let values = Set(field.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
      guard values.count == 1, let text = values.first, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
        let length = Int(text)
      else {
        throw .malformedResponse(offset: offsets["content-length"] ?? 0, detail: "Content-Length \(field) is not one number")
      }
      guard length <= limit else { throw .responseTooLarge(limit: limit) }
      return (Data(try read(count: length, deadline: deadline)), true)
    }
    while true {
      do {
        try fill(deadline: deadline)
      } catch .connection(.closed) {
        break
      }
      guard buffer.count - position <= limit else { throw .responseTooLarge(limit: limit) }
    }
    return (Data(buffer[position...]), false)
  }

  /// Reads a chunked body (RFC 9112 §7.1): chunk-size lines, extensions and trailers skipped.
  private func readChunks(limit: Int, deadline: Date) throws(HTTPTransport.Failure) -> Data {
    var body = Data()
    while true {
      let (line, offset) = try readLine(deadline: deadline, headStart: discarded + position)
      let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
      guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
        throw .malformedResponse(offset: offset, detail: "a chunk size that is not a hexadecimal number")
      }
      if size == 0 { break }
      guard body.count + size <= limit else { throw .responseTooLarge(limit: limit) }
      body.append(contentsOf: try read(count: size, deadline: deadline))
      let (end, endOffset) = try readLine(deadline: deadline, headStart: discarded + position)
      guard end.isEmpty else { throw .malformedResponse(offset: endOffset, detail: "a chunk longer than its size") }
    }
    let trailers = discarded + position
    while try !readLine(deadline: deadline, headStart: trailers).line.isEmpty {}
    return body
  }

  /// Reads one line up to LF (a CR before it dropped) and its offset in the response.
  ///
  /// - Parameter headStart: where the section the line belongs to began; the section may be at
  ///   most ``headLimit`` bytes.
  private func readLine(deadline: Date, headStart: Int) throws(HTTPTransport.Failure) -> (line: ArraySlice<UInt8>, offset: Int) {
    var searched = position
    while true {
      if let end = buffer[searched...].firstIndex(of: 0x0A) {
        let offset = discarded + position
        let line = buffer[position..<(end > position && buffer[end - 1] == 0x0D ? end - 1 : end)]
        position = end + 1
        return (line, offset)
      }
      searched = buffer.count
      guard discarded + buffer.count - headStart <= Self.headLimit else {
        throw .malformedResponse(offset: discarded + buffer.count, detail: "the header section is longer than \(Self.headLimit) bytes")
      }
      try fill(deadline: deadline)
    }
  }

  /// Reads exactly `count` bytes.
  private func read(count: Int, deadline: Date) throws(HTTPTransport.Failure) -> ArraySlice<UInt8> {
    while buffer.count - position < count { try fill(deadline: deadline) }
    defer { position += count }
    return buffer[position..<position + count]
  }

  /// Appends what arrives next, dropping the parsed bytes first once they are most of the buffer.
  private func fill(deadline: Date) throws(HTTPTransport.Failure) {
    if position > 64 << 10 && position * 2 > buffer.count {
      discarded += position
      buffer.removeSubrange(..<position)
      position = 0
    }
    let seconds = try Self.remaining(until: deadline)
    let bytes: [UInt8]
    do {
      bytes = try connection.readAvailable(wait: seconds)
    } catch {
      throw .connection(error)
    }
    guard !bytes.isEmpty else { throw .timedOut }
    buffer += bytes
  }

  /// The seconds left until `deadline`.
  ///
  /// - Throws: ``HTTPTransport/Failure/timedOut`` when none are.
  private static func remaining(until deadline: Date) throws(HTTPTransport.Failure) -> TimeInterval {
    let seconds = deadline.timeIntervalSinceNow
    guard seconds > 0 else { throw .timedOut }
    return seconds
  }

  /// The comma-separated tokens of a field, lower case.
  private static func tokens(_ field: String?) -> [String] {
    (field ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
  }

  /// Whether a byte is a `tchar` of RFC 9110 §5.6.2.
  private static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
    default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
  }
}

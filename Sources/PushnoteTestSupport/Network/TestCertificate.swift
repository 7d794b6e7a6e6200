import Foundation

/// A self-signed certificate for `127.0.0.1` (P-256, cheap to make, made by `openssl req`) and
/// its key, for test servers that speak TLS; a client trusts it by taking ``certificate`` as its
/// CA file.
public struct TestCertificate: Sendable {
  /// The certificate (PEM), which is also the CA file to trust.
  public let certificate: String
  /// The private key (PEM).
  public let key: String

  /// Makes a certificate and its key in `folder`, the files named `NAME.pem` and `NAME-key.pem`.
  ///
  /// - Throws: ``Failure`` when `openssl` fails.
  public init(in folder: TemporaryDirectory, name: String = "cert") async throws {
    certificate = folder.appending("\(name).pem")
    key = folder.appending("\(name)-key.pem")
    let made = try await ProcessRunner.run(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", certificate,
        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      ])
    guard made.status == 0 else { throw Failure(message: "openssl req: \(made.stderr)") }
  }

  /// Why no certificate was made.
  public struct Failure: Error, CustomStringConvertible {
    /// What `openssl` said.
    public var message: String
    public var description: String { message }
  }
}

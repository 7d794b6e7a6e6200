// OpenSSL for TCPConnection (TLS of every socket client): the only C interop besides libcmark.
// Macros Swift cannot import are wrapped in small inline functions.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static inline long pushnote_ssl_set_server_name(SSL *ssl, const char *name) {
  return SSL_set_tlsext_host_name(ssl, name);
}

static inline long pushnote_ssl_ctx_require_tls12(SSL_CTX *context) {
  return SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

// OpenSSL for TCPConnection (TLS of every socket client): the only C interop besides libcmark.
//
// libssl is loaded on the first TLS handshake, not when the process starts: a command that speaks
// no TLS (show, lint, stats, a sync over http) then never maps libssl and libcrypto, whose loading
// and relocation cost about 1 ms of every start. Each function TCPConnection calls is resolved
// once, and called through a wrapper named pushnote_<function>; macros Swift cannot import are
// wrapped too.
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#define PUSHNOTE_OPENSSL_STRING(x) #x
#define PUSHNOTE_OPENSSL_VERSION(x) PUSHNOTE_OPENSSL_STRING(x)
#ifdef OPENSSL_VERSION_MAJOR
#define PUSHNOTE_LIBSSL "libssl.so." PUSHNOTE_OPENSSL_VERSION(OPENSSL_VERSION_MAJOR)
#else
#define PUSHNOTE_LIBSSL "libssl.so.1.1"
#endif

// X(name, result, parameters, arguments) for every function called.
#define PUSHNOTE_OPENSSL_FUNCTIONS(X) \
  X(TLS_client_method, const SSL_METHOD *, (void), ()) \
  X(SSL_CTX_new, SSL_CTX *, (const SSL_METHOD *method), (method)) \
  X(SSL_CTX_free, void, (SSL_CTX *context), (context)) \
  X(SSL_CTX_ctrl, long, (SSL_CTX *context, int command, long value, void *pointer), (context, command, value, pointer)) \
  X(SSL_CTX_set_verify, void, (SSL_CTX *context, int mode, SSL_verify_cb callback), (context, mode, callback)) \
  X(SSL_CTX_load_verify_locations, int, (SSL_CTX *context, const char *file, const char *path), (context, file, path)) \
  X(SSL_CTX_set_default_verify_paths, int, (SSL_CTX *context), (context)) \
  X(SSL_new, SSL *, (SSL_CTX *context), (context)) \
  X(SSL_free, void, (SSL *ssl), (ssl)) \
  X(SSL_ctrl, long, (SSL *ssl, int command, long value, void *pointer), (ssl, command, value, pointer)) \
  X(SSL_set_fd, int, (SSL *ssl, int descriptor), (ssl, descriptor)) \
  X(SSL_get0_param, X509_VERIFY_PARAM *, (SSL *ssl), (ssl)) \
  X(SSL_set1_host, int, (SSL *ssl, const char *host), (ssl, host)) \
  X(SSL_connect, int, (SSL *ssl), (ssl)) \
  X(SSL_get_verify_result, long, (const SSL *ssl), (ssl)) \
  X(SSL_write, int, (SSL *ssl, const void *bytes, int count), (ssl, bytes, count)) \
  X(SSL_read, int, (SSL *ssl, void *bytes, int count), (ssl, bytes, count)) \
  X(SSL_pending, int, (const SSL *ssl), (ssl)) \
  X(SSL_shutdown, int, (SSL *ssl), (ssl)) \
  X(X509_VERIFY_PARAM_set1_ip_asc, int, (X509_VERIFY_PARAM *parameters, const char *address), (parameters, address)) \
  X(X509_verify_cert_error_string, const char *, (long code), (code)) \
  X(ERR_get_error, unsigned long, (void), ()) \
  X(ERR_error_string_n, void, (unsigned long code, char *text, size_t size), (code, text, size))

#define PUSHNOTE_OPENSSL_FIELD(name, result, parameters, arguments) result (*name) parameters;
typedef struct {
  PUSHNOTE_OPENSSL_FUNCTIONS(PUSHNOTE_OPENSSL_FIELD)
  const char *failure;
} pushnote_openssl_api;

// The resolved functions. A static inside a function, not a static global: Swift emits the
// header's inline functions, and with them their statics, but not a global they refer to.
static inline pushnote_openssl_api *pushnote_openssl(void) {
  static pushnote_openssl_api api;
  return &api;
}

#define PUSHNOTE_OPENSSL_RESOLVE(name, result, parameters, arguments) \
  if (!(api->name = (result (*) parameters)dlsym(library, #name))) { \
    api->failure = "a function of " PUSHNOTE_LIBSSL " is missing: " #name; \
    return; \
  }

static inline void pushnote_openssl_resolve(void) {
  pushnote_openssl_api *api = pushnote_openssl();
  void *library = dlopen(PUSHNOTE_LIBSSL, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    api->failure = "cannot load " PUSHNOTE_LIBSSL " (install OpenSSL 3's libssl)";
    return;
  }
  PUSHNOTE_OPENSSL_FUNCTIONS(PUSHNOTE_OPENSSL_RESOLVE)
}

/// Loads libssl once; NULL when it is ready, else why it is not.
static inline const char *pushnote_openssl_load(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, pushnote_openssl_resolve);
  return pushnote_openssl()->failure;
}

#define PUSHNOTE_OPENSSL_WRAPPER(name, result, parameters, arguments) \
  static inline result pushnote_##name parameters { return pushnote_openssl()->name arguments; }
PUSHNOTE_OPENSSL_FUNCTIONS(PUSHNOTE_OPENSSL_WRAPPER)

static inline long pushnote_ssl_set_server_name(SSL *ssl, const char *name) {
  return pushnote_SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}

static inline long pushnote_ssl_ctx_require_tls12(SSL_CTX *context) {
  return pushnote_SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
}

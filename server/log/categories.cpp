#include "categories.h"

namespace marquee {
Q_LOGGING_CATEGORY(lcApp, "marquee.app")
Q_LOGGING_CATEGORY(lcHttp, "marquee.http")
Q_LOGGING_CATEGORY(lcAccess, "marquee.access")
Q_LOGGING_CATEGORY(lcConfig, "marquee.config")
Q_LOGGING_CATEGORY(lcStore, "marquee.store")
Q_LOGGING_CATEGORY(lcTmdb, "marquee.tmdb")
Q_LOGGING_CATEGORY(lcCache, "marquee.cache")
Q_LOGGING_CATEGORY(lcAuth, "marquee.auth")
} // namespace marquee

#pragma once

#include "httpclient.h"

#include <QByteArray>
#include <QString>
#include <QTest>

// QVERIFY and QCOMPARE return from the function they are written in. In a helper that is the
// helper, not the test: the test would carry on after a failed step (to a null pointer, or to a
// pile of follow-on failures). So a test calls every helper that can fail it through CHECK(),
// which leaves the test too when the helper failed it:
//
//     CHECK(start());
//     CHECK(verifyError(r, 404, QStringLiteral("NOT_FOUND")));
//
// A helper that returns a value is followed by RETURN_IF_FAILED().
#define RETURN_IF_FAILED()                                                                         \
    do {                                                                                           \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

#define CHECK(...)                                                                                 \
    do {                                                                                           \
        __VA_ARGS__;                                                                               \
        RETURN_IF_FAILED();                                                                        \
    } while (false)

namespace marquee::test {

// An error answer as docs/api.md ("Envelope and errors") shapes it: the status, JSON, and the
// envelope below, whose requestId is the answer's X-Request-Id. Call through CHECK(); a failure
// is reported at the caller's line.
//   {"success":false,"error":"<message>","code":"<CODE>","details"?:[...],"requestId":"..."}
void verifyError(const HttpReply &reply, int status, const QString &code,
    const char *file = __builtin_FILE(), int line = __builtin_LINE());

// "<what> did not start: <why>", the message of a QVERIFY2 on a setup step.
QByteArray notStarted(const char *what, const QString &why);

} // namespace marquee::test

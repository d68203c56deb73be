#include "webhookcontroller.h"

#include "api/storeerrors.h"
#include "auth/clerkauthenticator.h"
#include "auth/webhook.h"
#include "http/apierror.h"
#include "http/pipeline.h"
#include "log/categories.h"
#include "store/userstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace marquee {

namespace {

// When Clerk made the event: the envelope's `timestamp` (ms since the epoch), else the verified
// svix-timestamp (seconds). A retry's svix-timestamp is later than the event: as a deletion's time
// that only refuses more late updates. Clerk's events carry `timestamp`, and its user objects
// `updated_at`, so the fallback is for an envelope that lacks them.
qint64 eventTimeMs(const QJsonObject &event, const QByteArray &svixTimestamp)
{
    const QJsonValue t = event.value(QLatin1String("timestamp"));
    // toInteger() is 0 for a value with a fraction: read it as a double, whole milliseconds.
    if (t.isDouble() && t.toDouble() >= 1 && t.toDouble() < 1e15)
        return qint64(t.toDouble());
    return svixTimestamp.toLongLong() * 1000;
}

QString requiredId(const QJsonObject &data, const char *name)
{
    const QJsonValue v = data.value(QLatin1String(name));
    const QString id = v.isString() ? v.toString() : QString();
    if (id.isEmpty() || id.size() > 200)
        throw ApiError::validation(QStringLiteral("data.") + QLatin1String(name),
            v.isUndefined() || v.isNull() ? QStringLiteral("required")
                                          : QStringLiteral("invalid_value"),
            QStringLiteral("The event has no usable %1").arg(QLatin1String(name)));
    return id;
}

} // namespace

void WebhookController::registerRoutes(Router &router)
{
    // A store failure is a 503: Svix delivers the event again later.
    router
        .post(QStringLiteral("/api/webhooks/clerk"),
            storeRoute(StoreRoutes::Account, [this](const ExchangePtr &ex) { clerk(ex); }))
        .withTier(RateTier::Sensitive)
        .countingItsOwnRate();
}

// A refused delivery counts against the address's sensitive tier (and is a 429 once that is used
// up); a correctly signed one never does: Svix delivers from a few shared addresses.
void WebhookController::refuse(const ExchangePtr &ex, const ApiError &error)
{
    if (m_limiter)
        m_limiter->check(*ex, RateTier::Sensitive);
    throw error;
}

void WebhookController::clerk(const ExchangePtr &ex)
{
    if (m_secret.isEmpty())
        refuse(ex,
            ApiError(ApiError::Code::ServiceUnavailable,
                QStringLiteral("Webhooks are not configured (CLERK_WEBHOOK_SIGNING_SECRET)")));
    const HttpRequest &req = ex->request();
    const QByteArray type = req.header("Content-Type").split(';').first().trimmed().toLower();
    if (type != "application/json")
        refuse(ex,
            ApiError(ApiError::Code::UnsupportedMediaType,
                QStringLiteral("Webhook body must be sent with Content-Type: application/json")));
    const WebhookHeaders headers
        = WebhookHeaders::pick([&req](const QByteArray &name) { return req.header(name); });
    const WebhookError check
        = verifyWebhook(m_secret, headers, req.body, QDateTime::currentSecsSinceEpoch());
    if (check != WebhookError::None) {
        qCWarning(lcAuth).noquote() << "webhook refused:" << webhookErrorName(check);
        if (check == WebhookError::BadSecret)
            refuse(ex,
                ApiError(ApiError::Code::ServiceUnavailable,
                    QStringLiteral("The configured webhook secret is not usable")));
        refuse(ex,
            ApiError::validation(QStringLiteral("svix-signature"), QString(webhookErrorName(check)),
                QStringLiteral("Webhook signature verification failed")));
    }
    const QJsonDocument doc = QJsonDocument::fromJson(req.body);
    if (!doc.isObject())
        throw ApiError(
            ApiError::Code::InvalidJson, QStringLiteral("Webhook body must be a JSON object"));
    const QString id = QString::fromUtf8(headers.id);
    const QJsonObject event = doc.object();
    const QString eventType = event.value("type").toString();
    const QJsonObject data = event.value("data").toObject();
    // A lookup that fails is answered 503 (the route's store mapping) and nothing is applied:
    // Svix retries for days. Applying it blind would not be harmless: a replayed user.deleted
    // would delete an account an administrator restored since (tst_clerkwebhooks).
    if (m_users.webhookSeen(id)) {
        ex->respond(HttpResponse::ok(QJsonObject {{"received", true}, {"duplicate", true}}));
        return;
    }
    const qint64 eventTime = eventTimeMs(event, headers.timestamp);
    Outcome outcome {false, QStringLiteral("ignored_event_type")};
    if (eventType == QLatin1String("user.created") || eventType == QLatin1String("user.updated"))
        outcome = userChanged(data, eventTime);
    else if (eventType == QLatin1String("user.deleted"))
        outcome = userDeleted(data, eventTime, id);
    else if (eventType == QLatin1String("session.ended")
        || eventType == QLatin1String("session.removed")
        || eventType == QLatin1String("session.revoked"))
        outcome = sessionEnded(data);
    try {
        m_users.recordWebhook(id, eventType.isEmpty() ? QStringLiteral("unknown") : eventType,
            QDateTime::currentMSecsSinceEpoch());
    } catch (const StoreError &) {
        // Logged by the store. The event is applied; unrecorded, a redelivery is applied again
        // (versions and deletion times decide for updates; a redelivered deletion after a
        // restore is the one case this cannot tell, as before).
    }
    qCInfo(lcAuth).noquote() << "webhook"
                             << (eventType.isEmpty() ? QStringLiteral("(no type)") : eventType)
                             << (outcome.applied ? QStringLiteral("applied")
                                                 : QStringLiteral("ignored: ") + outcome.reason);
    QJsonObject answer {{"received", true}, {"applied", outcome.applied}};
    if (!outcome.applied)
        answer.insert("reason", outcome.reason);
    ex->respond(HttpResponse::ok(answer));
}

WebhookController::Outcome WebhookController::userChanged(const QJsonObject &data, qint64 eventTime)
{
    requiredId(data, "id");
    auto profile = ClerkProfile::fromClerkUser(data);
    if (!profile)
        throw ApiError::validation(QStringLiteral("data.id"), QStringLiteral("required"),
            QStringLiteral("The event has no user id"));
    if (profile->updatedAt <= 0)
        profile->updatedAt = eventTime; // Clerk's user objects carry updated_at; just in case
    switch (m_users.applyClerkProfile(*profile, QDateTime::currentMSecsSinceEpoch(), true)) {
    case ProfileWrite::Applied:
        m_auth.forgetUser(profile->clerkId);
        return {true, {}};
    case ProfileWrite::Stale:
        return {false, QStringLiteral("older_than_stored")};
    case ProfileWrite::Deleted:
        return {false, QStringLiteral("user_deleted")};
    case ProfileWrite::NoUser: // not with createIfMissing: the row went in between; retried
        break;
    }
    // A 503 as for a store failure, so that Svix delivers the event again.
    qCWarning(lcStore).noquote() << "webhook not applied: the user row went in meanwhile";
    throw ApiError(ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"));
}

WebhookController::Outcome WebhookController::userDeleted(
    const QJsonObject &data, qint64 eventTime, const QString &eventId)
{
    const QString clerkId = requiredId(data, "id");
    // Remembered even when this server never saw the user: a late user.created or a token still
    // valid must not bring them in afterwards.
    m_users.recordClerkDeletion(clerkId, eventTime, eventId, QDateTime::currentMSecsSinceEpoch());
    m_auth.forgetDeletedUser(clerkId);
    return {true, {}};
}

WebhookController::Outcome WebhookController::sessionEnded(const QJsonObject &data)
{
    const QString sid = requiredId(data, "id");
    const QJsonValue user = data.value(QLatin1String("user_id"));
    const QString clerkUserId = user.isString() ? user.toString() : QString();
    const SessionEnd end
        = m_users.revokeSessionFromClerk(sid, clerkUserId, QDateTime::currentMSecsSinceEpoch());
    switch (end) {
    case SessionEnd::Revoked:
        m_auth.forgetEndedSession(sid);
        return {true, {}};
    case SessionEnd::UnknownSession:
        return {false, QStringLiteral("unknown_session")};
    case SessionEnd::OtherUser:
        return {false, QStringLiteral("session_of_another_user")};
    case SessionEnd::Deleted:
        break;
    }
    return {false, QStringLiteral("user_deleted")};
}

} // namespace marquee

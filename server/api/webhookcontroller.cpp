#include "webhookcontroller.h"

#include "auth/clerkauthenticator.h"
#include "auth/webhook.h"
#include "http/apierror.h"
#include "log/categories.h"
#include "store/userstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace marquee {

void WebhookController::registerRoutes(Router &router)
{
    router.post(QStringLiteral("/api/webhooks/clerk"), [this](const ExchangePtr &ex) { clerk(ex); })
        .withTier(RateTier::Sensitive);
}

void WebhookController::clerk(const ExchangePtr &ex)
{
    if (m_secret.isEmpty())
        throw ApiError(ApiError::Code::ServiceUnavailable,
            QStringLiteral("Webhooks are not configured (CLERK_WEBHOOK_SIGNING_SECRET)"));
    const HttpRequest &req = ex->request();
    const WebhookHeaders headers
        = WebhookHeaders::pick([&req](const QByteArray &name) { return req.header(name); });
    const WebhookError check
        = verifyWebhook(m_secret, headers, req.body, QDateTime::currentSecsSinceEpoch());
    if (check != WebhookError::None) {
        qCWarning(lcAuth).noquote() << "webhook refused:" << webhookErrorName(check);
        if (check == WebhookError::BadSecret)
            throw ApiError(ApiError::Code::ServiceUnavailable,
                QStringLiteral("The configured webhook secret is not usable"));
        throw ApiError::validation(QStringLiteral("svix-signature"),
            QString(webhookErrorName(check)),
            QStringLiteral("Webhook signature verification failed"));
    }
    const QJsonDocument doc = QJsonDocument::fromJson(req.body);
    if (!doc.isObject())
        throw ApiError(
            ApiError::Code::InvalidJson, QStringLiteral("Webhook body must be a JSON object"));
    const QString id = QString::fromUtf8(headers.id);
    const QString type = doc.object().value("type").toString();
    const QJsonObject data = doc.object().value("data").toObject();
    if (m_users.webhookSeen(id)) {
        ex->respond(HttpResponse::ok(QJsonObject {{"received", true}, {"duplicate", true}}));
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bool applied = false;
    if (type == QLatin1String("user.created") || type == QLatin1String("user.updated")) {
        const auto profile = ClerkProfile::fromClerkUser(data);
        if (!profile)
            throw ApiError::validation(QStringLiteral("data.id"), QStringLiteral("required"),
                QStringLiteral("The event has no user id"));
        if (!m_users.applyClerkProfile(*profile, now, true))
            throw ApiError(
                ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"));
        m_auth.forgetUser(profile->clerkId);
        applied = true;
    } else if (type == QLatin1String("user.deleted")) {
        const QString clerkId = data.value("id").toString();
        if (clerkId.isEmpty())
            throw ApiError::validation(QStringLiteral("data.id"), QStringLiteral("required"),
                QStringLiteral("The event has no user id"));
        m_users.deleteByClerkId(clerkId);
        m_auth.forgetUser(clerkId);
        applied = true;
    }
    m_users.recordWebhook(id, type.isEmpty() ? QStringLiteral("unknown") : type, now);
    qCInfo(lcAuth).noquote() << "webhook" << (type.isEmpty() ? QStringLiteral("(no type)") : type)
                             << (applied ? "applied" : "ignored");
    ex->respond(HttpResponse::ok(QJsonObject {{"received", true}, {"applied", applied}}));
}

} // namespace marquee

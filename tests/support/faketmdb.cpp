#include "faketmdb.h"

#include <QDate>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QMutex>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>
#include <optional>
#include <tuple>

namespace marquee::test {

namespace {

// TMDB documents append_to_response as "20 items max".
constexpr int maxAppendedItems = 20;

enum class ParamType { String, Integer, Number, Boolean, Date };

struct ParamSpec
{
    QString name;
    ParamType type = ParamType::String;
    QStringList enumValues;
    bool required = false;
    // TMDB types some list filters as integer yet documents "comma (AND) or pipe (OR) separated"
    // values for them (with_release_type): accept such lists instead of flagging them.
    bool listAllowed = false;
};

struct Segment
{
    QString literal;
    int param = -1; // index into Operation::pathParams, or -1 for a literal segment
};

struct Operation
{
    QString pathTemplate;
    QList<Segment> segments;
    QList<ParamSpec> pathParams;
    QHash<QString, ParamSpec> queryParams;
    QJsonValue example;
};

struct Spec
{
    QList<Operation> operations; // most specific template first
    QByteArray unauthorizedBody;
    QString error;
    QStringList notes;
};

struct Match
{
    const Operation *operation = nullptr;
    QStringList values; // in the order of operation->pathParams
};

using Reply = FakeHttpServer::Reply;

// OpenAPI allows a local $ref wherever a parameter, schema, response or example may stand.
// TMDB's document has none today; a re-export could.
QJsonValue resolved(const QJsonObject &root, QJsonValue value)
{
    const QString refKey = QStringLiteral("$ref");
    for (int hop = 0; hop < 16 && value.toObject().contains(refKey); ++hop) {
        const QString ref = value.toObject().value(refKey).toString();
        if (!ref.startsWith(QStringLiteral("#/")))
            return {};
        QJsonValue target = root;
        const QStringList parts = ref.mid(2).split(QLatin1Char('/'));
        for (QString part : parts) {
            part.replace(QStringLiteral("~1"), QStringLiteral("/"))
                .replace(QStringLiteral("~0"), QStringLiteral("~"));
            target = target.toObject().value(part);
        }
        value = target;
    }
    return value;
}

ParamType typeOf(const QJsonObject &schema)
{
    QString type;
    const QJsonValue declared = schema.value(QStringLiteral("type"));
    if (declared.isArray()) { // OpenAPI 3.1 spells nullable as ["integer", "null"]
        for (const QJsonValue entry : declared.toArray()) {
            if (entry.toString() != QStringLiteral("null")) {
                type = entry.toString();
                break;
            }
        }
    } else {
        type = declared.toString();
    }
    if (type == QStringLiteral("integer"))
        return ParamType::Integer;
    if (type == QStringLiteral("number"))
        return ParamType::Number;
    if (type == QStringLiteral("boolean"))
        return ParamType::Boolean;
    if (type == QStringLiteral("string")
        && schema.value(QStringLiteral("format")).toString() == QStringLiteral("date"))
        return ParamType::Date;
    return ParamType::String;
}

std::pair<QString, ParamSpec> parseParameter(const QJsonObject &root, const QJsonValue &raw)
{
    const QJsonObject object = resolved(root, raw).toObject();
    const QJsonObject schema = resolved(root, object.value(QStringLiteral("schema"))).toObject();
    ParamSpec param;
    param.name = object.value(QStringLiteral("name")).toString();
    param.type = typeOf(schema);
    param.required = object.value(QStringLiteral("required")).toBool();
    for (const QJsonValue value : schema.value(QStringLiteral("enum")).toArray())
        param.enumValues << value.toVariant().toString();
    const QString description = object.value(QStringLiteral("description")).toString();
    param.listAllowed = description.contains(QStringLiteral("separated"))
        && (description.contains(QStringLiteral("comma"))
            || description.contains(QStringLiteral("pipe")));
    return {object.value(QStringLiteral("in")).toString(), param};
}

QJsonValue exampleOf(
    const QJsonObject &root, const QJsonObject &operation, const QString &status, QString *problem)
{
    const QJsonObject responses = operation.value(QStringLiteral("responses")).toObject();
    const QJsonObject response = resolved(root, responses.value(status)).toObject();
    const QJsonObject media = response.value(QStringLiteral("content"))
                                  .toObject()
                                  .value(QStringLiteral("application/json"))
                                  .toObject();
    const QJsonObject examples = media.value(QStringLiteral("examples")).toObject();
    // QJsonObject iterates keys sorted, so "first" is the alphabetically first example; every
    // TMDB path has exactly one.
    QJsonValue value = examples.isEmpty()
        ? media.value(QStringLiteral("example"))
        : resolved(root, examples.begin().value()).toObject().value(QStringLiteral("value"));
    if (value.isString()) { // TMDB stores most examples as JSON text, a few as JSON values
        QJsonParseError error {};
        const QJsonDocument document = QJsonDocument::fromJson(value.toString().toUtf8(), &error);
        if (error.error != QJsonParseError::NoError) {
            *problem = QStringLiteral("example is not valid JSON: ") + error.errorString();
            return {};
        }
        value = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    }
    return value;
}

bool usable(const QJsonValue &example)
{
    return (example.isObject() && !example.toObject().isEmpty())
        || (example.isArray() && !example.toArray().isEmpty());
}

QJsonValue placeholderFor(const Operation &operation)
{
    QJsonObject object;
    if (operation.queryParams.contains(QStringLiteral("page"))) {
        object.insert(QStringLiteral("page"), 1);
        object.insert(QStringLiteral("results"), QJsonArray());
        object.insert(QStringLiteral("total_pages"), 1);
        object.insert(QStringLiteral("total_results"), 0);
    }
    if (operation.pathParams.size() == 1)
        object.insert(QStringLiteral("id"), 0);
    return object;
}

// Sorting key: fewer segments first, then literal segments before parameters from the left, so
// "/3/movie/latest" wins over "/3/movie/{movie_id}" whatever the order of the document.
auto specificity(const Operation &operation)
{
    QString shape;
    for (const Segment &segment : operation.segments)
        shape += segment.param < 0 ? QLatin1Char('a') : QLatin1Char('b');
    return std::make_tuple(operation.segments.size(), shape, operation.pathTemplate);
}

Operation parseOperation(const QJsonObject &root, const QString &pathTemplate,
    const QJsonObject &pathItem, const QJsonObject &get, QStringList &notes)
{
    Operation operation;
    operation.pathTemplate = pathTemplate;
    QHash<QString, ParamSpec> pathParams;
    // Path-level parameters apply to every method; the operation's own override them by name.
    const QJsonArray levels[] = {pathItem.value(QStringLiteral("parameters")).toArray(),
        get.value(QStringLiteral("parameters")).toArray()};
    for (const QJsonArray &level : levels) {
        for (const QJsonValue raw : level) {
            const auto [in, param] = parseParameter(root, raw);
            if (in == QStringLiteral("path"))
                pathParams.insert(param.name, param);
            else if (in == QStringLiteral("query"))
                operation.queryParams.insert(param.name, param);
        }
    }
    static const QRegularExpression placeholder(QStringLiteral("^\\{([^}]+)\\}$"));
    const QStringList parts = pathTemplate.split(QLatin1Char('/'));
    for (const QString &part : parts) {
        const QRegularExpressionMatch match = placeholder.match(part);
        if (!match.hasMatch()) {
            operation.segments.append({part, -1});
            continue;
        }
        ParamSpec param = pathParams.value(match.captured(1));
        if (param.name.isEmpty()) {
            notes << QStringLiteral("%1: path parameter {%2} is not declared")
                         .arg(pathTemplate, match.captured(1));
            param.name = match.captured(1);
        }
        operation.segments.append({QString(), int(operation.pathParams.size())});
        operation.pathParams.append(param);
    }
    QString problem;
    operation.example = exampleOf(root, get, QStringLiteral("200"), &problem);
    if (!usable(operation.example)) {
        notes << QStringLiteral("%1: no usable 200 example%2, answering a placeholder")
                     .arg(pathTemplate,
                         problem.isEmpty() ? QString()
                                           : QStringLiteral(" (") + problem + QStringLiteral(")"));
        operation.example = placeholderFor(operation);
    }
    return operation;
}

// TMDB types the same path parameter as integer on most paths and as string on a few
// (/3/movie/{movie_id}/keywords, /3/tv/{series_id}/similar, ...). TMDB itself answers 404 for a
// non-numeric id on all of them, so a name that is an integer anywhere is an integer everywhere.
void unifyPathParamTypes(Spec &spec)
{
    QSet<QString> integerNames;
    for (const Operation &operation : std::as_const(spec.operations)) {
        for (const ParamSpec &param : operation.pathParams) {
            if (param.type == ParamType::Integer)
                integerNames.insert(param.name);
        }
    }
    for (Operation &operation : spec.operations) {
        for (ParamSpec &param : operation.pathParams) {
            if (param.type == ParamType::String && param.enumValues.isEmpty()
                && integerNames.contains(param.name)) {
                param.type = ParamType::Integer;
                spec.notes << QStringLiteral("%1: {%2} is typed string, treated as integer")
                                  .arg(operation.pathTemplate, param.name);
            }
        }
    }
}

std::shared_ptr<Spec> parseSpec(const QString &path)
{
    auto spec = std::make_shared<Spec>();
    spec->unauthorizedBody = QByteArrayLiteral(
        R"({"status_code":7,"status_message":"Invalid API key: You must be granted a valid key.","success":false})");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        spec->error = QStringLiteral("cannot read TMDB spec %1: %2").arg(path, file.errorString());
        return spec;
    }
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        spec->error = QStringLiteral("TMDB spec %1 is not a JSON object: %2")
                          .arg(path, error.errorString());
        return spec;
    }
    const QJsonObject root = document.object();
    const QJsonObject paths = root.value(QStringLiteral("paths")).toObject();
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        const QJsonObject pathItem = resolved(root, it.value()).toObject();
        const QJsonObject get = resolved(root, pathItem.value(QStringLiteral("get"))).toObject();
        if (get.isEmpty())
            continue;
        spec->operations.append(parseOperation(root, it.key(), pathItem, get, spec->notes));
        QString ignored;
        const QJsonValue unauthorized = exampleOf(root, get, QStringLiteral("401"), &ignored);
        if (unauthorized.isObject())
            spec->unauthorizedBody
                = QJsonDocument(unauthorized.toObject()).toJson(QJsonDocument::Compact);
    }
    if (spec->operations.isEmpty())
        spec->error = QStringLiteral("TMDB spec %1 declares no GET path").arg(path);
    unifyPathParamTypes(*spec);
    std::stable_sort(spec->operations.begin(), spec->operations.end(),
        [](const Operation &a, const Operation &b) { return specificity(a) < specificity(b); });
    return spec;
}

std::shared_ptr<const Spec> sharedSpec(const QString &path)
{
    // Parsing 3 MB of JSON per fake would dominate test run time.
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<const Spec>> cache;
    const QMutexLocker lock(&mutex);
    std::shared_ptr<const Spec> &entry = cache[path];
    if (!entry)
        entry = parseSpec(path);
    return entry;
}

bool isInt32(const QString &value, bool allowSign)
{
    static const QRegularExpression signedDigits(QStringLiteral("^-?[0-9]+$"));
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    bool ok = false;
    value.toInt(&ok);
    return ok && (allowSign ? signedDigits : digits).match(value).hasMatch();
}

std::optional<Match> route(const Spec &spec, const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'));
    for (const Operation &operation : spec.operations) {
        if (operation.segments.size() != parts.size())
            continue;
        Match match {&operation, QStringList()};
        match.values.resize(operation.pathParams.size());
        bool matches = true;
        for (qsizetype i = 0; matches && i < parts.size(); ++i) {
            const Segment &segment = operation.segments.at(i);
            if (segment.param < 0) {
                matches = parts.at(i) == segment.literal;
                continue;
            }
            const ParamSpec &param = operation.pathParams.at(segment.param);
            matches = !parts.at(i).isEmpty()
                && (param.type != ParamType::Integer || isInt32(parts.at(i), false));
            match.values[segment.param] = parts.at(i);
        }
        if (matches)
            return match;
    }
    return std::nullopt;
}

QStringList appendedItems(const QUrlQuery &query)
{
    return query.queryItemValue(QStringLiteral("append_to_response"), QUrl::FullyDecoded)
        .split(QLatin1Char(','), Qt::SkipEmptyParts);
}

// An appended item is a sub-resource of the requested one ("videos", "watch/providers",
// "season/1" on a series).
std::optional<Match> appendedMatch(
    const Spec &spec, const Match &parent, const QString &parentPath, const QString &item)
{
    std::optional<Match> sub = route(spec, parentPath + QLatin1Char('/') + item);
    if (sub
        && sub->operation->pathTemplate.startsWith(
            parent.operation->pathTemplate + QLatin1Char('/')))
        return sub;
    return std::nullopt;
}

QString valueProblem(const ParamSpec &param, const QString &value)
{
    const QString given = param.name + QLatin1Char('=') + value;
    if (!param.enumValues.isEmpty() && !param.enumValues.contains(value))
        return QStringLiteral("%1 is not one of [%2]")
            .arg(given, param.enumValues.join(QStringLiteral(", ")));
    switch (param.type) {
    case ParamType::Integer: {
        static const QRegularExpression separators(QStringLiteral("[,|]"));
        const QStringList items = param.listAllowed ? value.split(separators) : QStringList {value};
        for (const QString &item : items) {
            if (!isInt32(item, true))
                return QStringLiteral("%1 is not an integer").arg(given);
        }
        break;
    }
    case ParamType::Number: {
        static const QRegularExpression number(QStringLiteral("^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)$"));
        if (!number.match(value).hasMatch())
            return QStringLiteral("%1 is not a number").arg(given);
        break;
    }
    case ParamType::Boolean:
        if (value != QStringLiteral("true") && value != QStringLiteral("false"))
            return QStringLiteral("%1 is not true or false").arg(given);
        break;
    case ParamType::Date:
        if (value.size() != 10 || !QDate::fromString(value, Qt::ISODate).isValid())
            return QStringLiteral("%1 is not a date (YYYY-MM-DD)").arg(given);
        break;
    case ParamType::String:
        break;
    }
    return {};
}

QString describe(const FakeTmdb::Request &request)
{
    QUrlQuery shown = request.query;
    // A secret, even a fake one, stays out of test logs.
    shown.removeAllQueryItems(QStringLiteral("api_key"));
    const QString query = shown.toString(QUrl::FullyDecoded);
    return QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path
        + (query.isEmpty() ? QString() : QLatin1Char('?') + query);
}

QStringList problemsWith(const Spec &spec, const FakeTmdb::Request &request)
{
    QStringList problems;
    if (request.method != "GET")
        problems << QStringLiteral("TMDB paths used here are GET only");
    const std::optional<Match> match = route(spec, request.path);
    if (!match) {
        problems << QStringLiteral("no GET path of the TMDB spec matches");
    } else {
        const Operation &operation = *match->operation;
        for (qsizetype i = 0; i < operation.pathParams.size(); ++i) {
            const QString problem = valueProblem(operation.pathParams.at(i), match->values.at(i));
            if (!problem.isEmpty())
                problems << QStringLiteral("path parameter ") + problem;
        }
        QSet<QString> seen;
        const auto items = request.query.queryItems(QUrl::FullyDecoded);
        for (const auto &[name, value] : items) {
            if (name == QStringLiteral("api_key"))
                continue;
            if (seen.contains(name))
                problems << QStringLiteral("%1 is given more than once").arg(name);
            seen.insert(name);
            const auto param = operation.queryParams.constFind(name);
            if (param == operation.queryParams.constEnd()) {
                problems << QStringLiteral("query parameter %1 is not declared for %2")
                                .arg(name, operation.pathTemplate);
                continue;
            }
            const QString problem = valueProblem(*param, value);
            if (!problem.isEmpty())
                problems << problem;
        }
        for (const ParamSpec &param : operation.queryParams) {
            if (param.required && !seen.contains(param.name))
                problems
                    << QStringLiteral("required query parameter %1 is missing").arg(param.name);
        }
        const QStringList appended = appendedItems(request.query);
        if (appended.size() > maxAppendedItems)
            problems << QStringLiteral("append_to_response has more than %1 items")
                            .arg(maxAppendedItems);
        for (const QString &item : appended) {
            if (!operation.queryParams.contains(QStringLiteral("append_to_response")))
                break;
            if (!appendedMatch(spec, *match, request.path, item))
                problems << QStringLiteral("append_to_response item %1 is not a sub-resource of %2")
                                .arg(item, operation.pathTemplate);
        }
    }
    const QString prefix = describe(request) + QStringLiteral(": ");
    for (QString &problem : problems)
        problem.prepend(prefix);
    return problems;
}

int requestedPage(const QUrlQuery &query)
{
    const QString page = query.queryItemValue(QStringLiteral("page"), QUrl::FullyDecoded);
    return isInt32(page, true) ? page.toInt() : 1;
}

QJsonValue payload(
    const Spec &spec, const Match &match, const QString &path, const QUrlQuery &query)
{
    const Operation &operation = *match.operation;
    if (!operation.example.isObject())
        return operation.example;
    QJsonObject object = operation.example.toObject();
    if (object.contains(QStringLiteral("page")))
        object.insert(QStringLiteral("page"), requestedPage(query));
    for (qsizetype i = 0; i < operation.pathParams.size(); ++i) {
        const ParamSpec &param = operation.pathParams.at(i);
        const QString &value = match.values.at(i);
        const QJsonValue json
            = param.type == ParamType::Integer ? QJsonValue(value.toLongLong()) : QJsonValue(value);
        // season_number, episode_number: echo whatever the payload names after a parameter.
        if (object.contains(param.name))
            object.insert(param.name, json);
        // With several path parameters the top-level id is the season's or episode's own id.
        if (operation.pathParams.size() == 1 && object.contains(QStringLiteral("id")))
            object.insert(QStringLiteral("id"), json);
    }
    if (operation.queryParams.contains(QStringLiteral("append_to_response"))) {
        for (const QString &item : appendedItems(query)) {
            const std::optional<Match> sub = appendedMatch(spec, match, path, item);
            if (!sub)
                continue;
            QJsonValue subPayload
                = payload(spec, *sub, path + QLatin1Char('/') + item, QUrlQuery());
            // TMDB drops the repeated parent id from appended sub-resources.
            if (subPayload.isObject()
                && sub->operation->pathParams.size() == operation.pathParams.size()) {
                QJsonObject subObject = subPayload.toObject();
                subObject.remove(QStringLiteral("id"));
                subPayload = subObject;
            }
            object.insert(item, subPayload);
        }
    }
    return object;
}

QByteArray toJson(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

struct StatusInfo
{
    int status;
    int tmdbCode; // TMDB's documented status_code for the body
    const char *message;
};

// Bodies as TMDB sends them for these statuses; anything else gets its generic internal error.
constexpr StatusInfo statusTable[] = {
    {200, 1, "Success."},
    {400, 5, "Invalid parameters: Your request parameters are incorrect."},
    {401, 7, "Invalid API key: You must be granted a valid key."},
    {403, 3, "Authentication failed: You do not have permissions to access the service."},
    {404, 34, "The resource you requested could not be found."},
    {405, 2, "Invalid service: this service does not exist."},
    {429, 25, "Your request count (#) is over the allowed limit of (40)."},
    {500, 11, "Internal error: Something went wrong, contact TMDb."},
    {501, 2, "Invalid service: this service does not exist."},
    {502, 43, "Couldn't connect to the backend server."},
    {503, 9, "Service offline: This service is temporarily offline, try again later."},
    {504, 24, "Your request to the backend server timed out. Try again."},
};

StatusInfo statusInfo(int status)
{
    for (const StatusInfo &info : statusTable) {
        if (info.status == status)
            return info;
    }
    return {status, 11, "Internal error: Something went wrong, contact TMDb."};
}

QByteArray errorBody(int status)
{
    const StatusInfo info = statusInfo(status);
    const QJsonObject body {{QStringLiteral("success"), false},
        {QStringLiteral("status_code"), info.tmdbCode},
        {QStringLiteral("status_message"), QString::fromLatin1(info.message)}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

bool authorised(const FakeTmdb::Request &request, const QString &key)
{
    if (key.isEmpty())
        return true;
    if (request.query.queryItemValue(QStringLiteral("api_key"), QUrl::FullyDecoded) == key)
        return true;
    const QByteArray bearer = "bearer ";
    for (const auto &[name, value] : request.headers) {
        if (name.compare("authorization", Qt::CaseInsensitive) == 0
            && value.left(bearer.size()).compare(bearer, Qt::CaseInsensitive) == 0
            && value.mid(bearer.size()).trimmed() == key.toUtf8())
            return true;
    }
    return false;
}

} // namespace

struct FakeTmdb::Private
{
    Reply replyFor(const Request &request);

    std::shared_ptr<const Spec> spec;
    QString apiKey = FakeTmdb::defaultApiKey();
    int failCount = 0;
    int failStatus = 0;
    int failRetryAfter = -1;
    QHash<QString, Reply> overrides;
    QSet<QString> notFound;
    QList<Request> requests;
    QStringList violations;
    QString error;
    FakeHttpServer http; // last: gone before what its callbacks use
};

Reply FakeTmdb::Private::replyFor(const Request &request)
{
    if (failCount > 0) {
        --failCount;
        Reply reply {failStatus, errorBody(failStatus), {}};
        if (failRetryAfter >= 0)
            reply.headers.append({"Retry-After", QByteArray::number(failRetryAfter)});
        return reply;
    }
    if (!authorised(request, apiKey))
        return {401, spec->unauthorizedBody, {}};
    if (request.method != "GET")
        return {405, errorBody(405), {{"Allow", "GET"}}};
    if (const auto it = overrides.constFind(request.path); it != overrides.constEnd())
        return *it;
    if (notFound.contains(request.path))
        return {404, errorBody(404), {}};
    const std::optional<Match> match = route(*spec, request.path);
    if (!match)
        return {404, errorBody(404), {}};
    return {200, toJson(payload(*spec, *match, request.path, request.query)), {}};
}

FakeTmdb::FakeTmdb(const QString &specPath, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->spec = sharedSpec(specPath);
    d->http.setContentType("application/json;charset=utf-8"); // as TMDB writes it
    d->http.setBadRequestBody(errorBody(400));
    d->http.setObserver([this](const Request &request) {
        d->requests.append(request);
        d->violations += problemsWith(*d->spec, request);
        emit requestReceived(request.path);
    });
    d->http.setHandler([this](const Request &request, const FakeHttpServer::Responder &responder) {
        responder.send(d->replyFor(request));
    });
}

FakeTmdb::~FakeTmdb() = default;

bool FakeTmdb::start()
{
    if (!d->spec->error.isEmpty()) {
        d->error = d->spec->error;
        return false;
    }
    if (!d->http.start()) {
        d->error = d->http.errorString();
        return false;
    }
    return true;
}

QString FakeTmdb::errorString() const
{
    return d->error;
}

quint16 FakeTmdb::port() const
{
    return d->http.port();
}

QString FakeTmdb::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/3").arg(port());
}

void FakeTmdb::setApiKey(const QString &key)
{
    d->apiKey = key;
}

QString FakeTmdb::apiKey() const
{
    return d->apiKey;
}

QString FakeTmdb::defaultApiKey()
{
    return QStringLiteral("fake-tmdb-api-key");
}

void FakeTmdb::setDelay(int ms)
{
    d->http.setDelay(ms);
}

void FakeTmdb::setHang(bool hang)
{
    d->http.setHang(hang);
}

void FakeTmdb::failNext(int count, int status, int retryAfterSeconds)
{
    d->failCount = std::max(0, count);
    d->failStatus = status;
    d->failRetryAfter = retryAfterSeconds;
}

void FakeTmdb::setNotFound(const QString &path)
{
    d->notFound.insert(path);
}

void FakeTmdb::setResponse(const QString &path, int status, const QByteArray &body)
{
    d->overrides.insert(path, {status, body, {}});
}

void FakeTmdb::setDropConnections(bool drop)
{
    d->http.setDropConnections(drop);
}

int FakeTmdb::callCount() const
{
    return int(d->requests.size());
}

int FakeTmdb::callCount(const QString &pathPrefix) const
{
    return int(std::count_if(d->requests.cbegin(), d->requests.cend(),
        [&pathPrefix](const Request &request) { return request.path.startsWith(pathPrefix); }));
}

QList<FakeTmdb::Request> FakeTmdb::requests() const
{
    return d->requests;
}

void FakeTmdb::resetCounters()
{
    d->requests.clear();
}

QStringList FakeTmdb::violations() const
{
    return d->violations;
}

void FakeTmdb::clearViolations()
{
    d->violations.clear();
}

int FakeTmdb::connectionCount() const
{
    return d->http.connectionCount();
}

QStringList FakeTmdb::specNotes() const
{
    return d->spec->notes;
}

} // namespace marquee::test

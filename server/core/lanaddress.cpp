#include "lanaddress.h"

#include <QHostAddress>
#include <QNetworkInterface>

namespace marquee {

QStringList lanUrls(const QString &host, quint16 port)
{
    const auto url
        = [port](const QString &h) { return QStringLiteral("http://%1:%2").arg(h).arg(port); };
    const QHostAddress bound(host);
    const bool everywhere = bound == QHostAddress(QHostAddress::AnyIPv4)
        || bound == QHostAddress(QHostAddress::AnyIPv6) || bound == QHostAddress(QHostAddress::Any);
    if (!everywhere)
        return {
            url(bound.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(host)
                                                                  : host)};
    QStringList out;
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces()) {
        const auto flags = i.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &e : i.addressEntries())
            if (e.ip().protocol() == QAbstractSocket::IPv4Protocol && !e.ip().isLoopback())
                out << url(e.ip().toString());
    }
    if (out.isEmpty())
        out << url(QStringLiteral("127.0.0.1")); // no network: this machine only
    return out;
}

} // namespace marquee

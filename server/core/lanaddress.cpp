#include "lanaddress.h"

#include <QHostAddress>
#include <QNetworkInterface>

namespace marquee {

QStringList lanUrls(const QString &host, quint16 port)
{
    const auto url
        = [port](const QString &h) { return QStringLiteral("http://%1:%2").arg(h).arg(port); };
    const QHostAddress bound(host);
    // "::" listens on IPv6 only (Qt sets IPV6_V6ONLY for it): its LAN addresses are IPv6 ones.
    const bool ipv6Only = bound == QHostAddress(QHostAddress::AnyIPv6);
    const bool everywhere = ipv6Only || bound == QHostAddress(QHostAddress::AnyIPv4)
        || bound == QHostAddress(QHostAddress::Any);
    if (!everywhere)
        return {
            url(bound.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(host)
                                                                  : host)};
    const auto wanted = ipv6Only ? QAbstractSocket::IPv6Protocol : QAbstractSocket::IPv4Protocol;
    QStringList out;
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces()) {
        const auto flags = i.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &e : i.addressEntries()) {
            const QHostAddress ip = e.ip();
            // A link-local IPv6 address needs its interface named in the URL: not offered.
            if (ip.protocol() != wanted || ip.isLoopback() || ip.isLinkLocal())
                continue;
            out << url(ipv6Only ? QStringLiteral("[%1]").arg(ip.toString()) : ip.toString());
        }
    }
    if (out.isEmpty()) // no network: this machine only
        out << url(ipv6Only ? QStringLiteral("[::1]") : QStringLiteral("127.0.0.1"));
    return out;
}

} // namespace marquee

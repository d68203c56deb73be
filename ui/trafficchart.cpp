#include "trafficchart.h"

#include "format.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace marquee::ui {

TrafficChart::TrafficChart(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Requests per second and latency over the last ten minutes"));
}

void TrafficChart::setPoints(const QList<TrafficPoint> &points)
{
    m_points = points;
    update();
}

// A round top for the rate axis: 1, 2, 5, 10, 20, 50, ...
static double niceCeiling(double v)
{
    if (v <= 1)
        return 1;
    const double magnitude = std::pow(10, std::floor(std::log10(v)));
    for (double step : {1.0, 2.0, 5.0, 10.0})
        if (v <= step * magnitude)
            return step * magnitude;
    return 10 * magnitude;
}

void TrafficChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());
    const QFontMetrics fm(font());
    const int legendH = fm.height() + 8;
    double maxRate = 0;
    double maxMs = 1;
    for (const TrafficPoint &t : m_points) {
        maxRate = qMax(maxRate, t.requestsPerSecond);
        maxMs = qMax(maxMs, t.p99Ms);
    }
    const double rateTop = niceCeiling(maxRate);
    // Latency axis: logarithmic from 0.01 ms to a power of ten above the slowest p99.
    const double msBottom = 0.01;
    const double msTop = std::pow(10, std::ceil(std::log10(maxMs * 1.01)));
    // Room for the widest label of each axis.
    int left = 0;
    for (int i = 0; i <= 4; ++i)
        left = qMax(left, fm.horizontalAdvance(QLocale().toString(rateTop * i / 4, 'g', 4)));
    left += 12;
    int right = 0;
    for (double ms = msBottom; ms <= msTop * 1.001; ms *= 10)
        right = qMax(right, fm.horizontalAdvance(formatMs(ms)));
    right += 14;
    const QRectF plot(
        left, legendH + 6, width() - left - right, height() - legendH - fm.height() - 18);
    if (plot.width() < 40 || plot.height() < 40)
        return;
    const auto yRate = [&](double r) { return plot.bottom() - r / rateTop * plot.height(); };
    const auto yMs = [&](double ms) {
        const double f = (std::log10(qMax(ms, msBottom)) - std::log10(msBottom))
            / (std::log10(msTop) - std::log10(msBottom));
        return plot.bottom() - f * plot.height();
    };

    // Grid and axes.
    const QColor grid = pal.color(QPalette::Mid);
    const QColor text = pal.color(QPalette::Text);
    p.setPen(QPen(grid, 1, Qt::DotLine));
    for (int i = 0; i <= 4; ++i) {
        const double y = plot.bottom() - i * plot.height() / 4;
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.save();
        p.setPen(text);
        p.drawText(QRectF(0, y - fm.height() / 2.0, left - 6, fm.height()),
            Qt::AlignRight | Qt::AlignVCenter, QLocale().toString(rateTop * i / 4, 'g', 4));
        p.restore();
    }
    p.setPen(text);
    for (double ms = msBottom; ms <= msTop * 1.001; ms *= 10) {
        const double y = yMs(ms);
        p.drawText(QRectF(plot.right() + 6, y - fm.height() / 2.0, right - 6, fm.height()),
            Qt::AlignLeft | Qt::AlignVCenter, formatMs(ms));
    }
    p.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width() / 2, fm.height()), Qt::AlignLeft,
        tr("10 min ago"));
    p.drawText(QRectF(plot.center().x(), plot.bottom() + 4, plot.width() / 2, fm.height()),
        Qt::AlignRight, tr("now"));

    // Legend.
    const QColor rateColor = pal.color(QPalette::Highlight);
    const QColor p50Color(0x2e, 0xb8, 0x5c);
    const QColor p99Color(0xe5, 0x48, 0x3d);
    qreal x = plot.left();
    const auto legend = [&](const QColor &c, const QString &label) {
        p.fillRect(QRectF(x, 6 + fm.height() / 2.0 - 4, 14, 8), c);
        x += 20;
        p.setPen(text);
        p.drawText(QPointF(x, 6 + fm.ascent()), label);
        x += fm.horizontalAdvance(label) + 18;
    };
    legend(rateColor, tr("requests/s (left)"));
    legend(p50Color, tr("p50 latency (right)"));
    legend(p99Color, tr("p99 latency (right)"));

    const int n = int(m_points.size());
    if (n == 0)
        return;
    const double step = plot.width() / n;
    QColor bar = rateColor;
    bar.setAlpha(110);
    for (int i = 0; i < n; ++i) {
        const double r = m_points[i].requestsPerSecond;
        if (r <= 0)
            continue;
        const double y = yRate(r);
        p.fillRect(
            QRectF(plot.left() + i * step + 0.5, y, qMax(1.0, step - 1), plot.bottom() - y), bar);
    }
    QList<QPointF> dots;
    const auto line = [&](const QColor &c, double TrafficPoint::*field) {
        QPainterPath path;
        bool open = false;
        for (int i = 0; i < n; ++i) {
            const double v = m_points[i].*field;
            if (v <= 0) {
                open = false; // no requests in that slice: a gap, not a zero
                continue;
            }
            const QPointF pt(plot.left() + (i + 0.5) * step, yMs(v));
            if (open)
                path.lineTo(pt);
            else
                path.moveTo(pt);
            open = true;
            dots.append(pt);
        }
        p.setPen(QPen(c, 2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        // A slice alone between gaps is a point, not a line: every slice gets a dot.
        p.setBrush(c);
        for (const QPointF &d : std::as_const(dots))
            p.drawEllipse(d, 2.5, 2.5);
        dots.clear();
    };
    line(p50Color, &TrafficPoint::p50Ms);
    line(p99Color, &TrafficPoint::p99Ms);
    p.setPen(QPen(grid, 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
}

} // namespace marquee::ui

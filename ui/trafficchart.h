#pragma once

#include "core/adminbackend.h"

#include <QWidget>

namespace marquee::ui {

// The dashboard's live chart, drawn with QPainter (Qt Charts is not part of the build): requests
// per second as filled bars on the left axis, p50 and p99 latency as lines on the right axis
// (milliseconds, logarithmic), one point per TrafficMeter slice, oldest on the left.
class TrafficChart : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficChart(QWidget *parent = nullptr);
    void setPoints(const QList<TrafficPoint> &points);
    const QList<TrafficPoint> &points() const { return m_points; }
    QSize minimumSizeHint() const override { return {320, 180}; }
    QSize sizeHint() const override { return {640, 260}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<TrafficPoint> m_points;
};

} // namespace marquee::ui

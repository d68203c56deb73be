#include "requestid.h"

#include <QRandomGenerator>

namespace marquee {

namespace {

// SplitMix64's finaliser: a bijection on 64 bits that scatters consecutive inputs.
quint64 mix(quint64 z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Per thread: two random 64-bit keys drawn once from the system's generator and a counter. Each
// id mixes key + counter in each half, so ids of one thread never repeat (mix is a bijection),
// ids of two threads collide with odds of 2^-128, and no id costs a syscall or a lock.
struct IdState
{
    quint64 keys[2];
    quint64 counter = 0;
    IdState() { QRandomGenerator::system()->fillRange(keys); }
};

} // namespace

QByteArray newRequestId()
{
    thread_local IdState state;
    const quint64 n = state.counter++;
    const quint64 words[2] = {mix(state.keys[0] + n), mix(state.keys[1] + n)};
    static constexpr char kHex[] = "0123456789abcdef";
    QByteArray id(32, Qt::Uninitialized);
    char *out = id.data();
    for (quint64 w : words) {
        for (int i = 15; i >= 0; --i) {
            out[i] = kHex[w & 0xf];
            w >>= 4;
        }
        out += 16;
    }
    return id;
}

bool isValidRequestId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace marquee

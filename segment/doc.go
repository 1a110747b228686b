// Package segment is the entity stage of the paper (section III-A, Eq. 1-6
// and Step 5): noun-phrase parsing of the query, open-vocabulary detection of
// each phrase in every frame, the AND gate over phrases with a persistence
// window, mask tracking from the gated start, the binary union mask M_t and
// the optional span.
package segment

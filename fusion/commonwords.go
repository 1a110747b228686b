package fusion

import "strings"

// CommonWords returns about 400 common English words (function words,
// frequent verbs, nouns, adjectives, colours, shapes, numbers and words of
// time and motion), for TrainVocab's corpus beside the benchmark's texts, so
// that a query phrased outside the benchmark's templates still splits into
// whole words.
func CommonWords() []string { return strings.Fields(commonWords) }

const commonWords = `
a about above across after again against all almost along also always am among an and another any anyone anything
are around as at away back be because been before begin behind being below beneath beside between beyond both but by
can cannot could did do does doing done down during each either else end enough even ever every few first for from
further had has have having he her here hers him his how however i if in inside into is it its itself just last least
less many may me might more most much must my near neither never next no nobody none nor not nothing now of off often
on once one only onto or other our out outside over own per perhaps rather same several she should since so some
someone something sometimes soon still such than that the their them then there these they this those though through
throughout till to together too toward towards under until up upon us very was we were what whatever when whenever
where whether which while who whom whose why will with within without would yes yet you your
add appear appears appeared arrive arrives ask become becomes bounce bounces bring bump bumps call came carry change
changes changed close closes come comes cover covers cross crosses disappear disappears disappeared drop drops
enter enters entered exit exits fall falls find follow follows get gets give go goes going gone grow grows hide
hides hit hits hold holds jump jumps keep keeps know leave leaves left look looks make makes meet meets move moves
moved moving open opens pass passes pause pauses pick play push pushes put reach reaches reappear reappears return
returns roll rolls run runs say see seen shrink shrinks show shows shown sit slide slides slow speed spin spins stand
start starts started stay stays stop stops stopped take takes talk tell think touch touches touched turn turns
vanish vanishes wait walk walks want watch
animal ball box car cat child dog door floor frame hand head man object person place point room scene shape side
table thing time video woman world
beginning middle moment second seconds minute minutes hour times clip part
big small large little long short tall wide narrow fast quick slow new old good bad high low left right top bottom
front full empty whole same different similar bright dark light heavy visible hidden still moving
red orange yellow green blue purple pink brown black white gray grey cyan magenta colour color colours colors
circle square triangle rectangle star diamond hexagon cross ring oval ellipse disk disc
zero one two three four five six seven eight nine ten eleven twelve twenty hundred
once twice thrice firstly second third fourth fifth sixth last final
during earlier later meanwhile afterwards then finally initially eventually briefly again
how many much which what who when where why whether
`

package synth

import (
	"slices"
	"strings"
)

// Template is a query pattern. A clause template (Kind is an event kind)
// describes one event: {A} and {B} are replaced by the descriptions of the
// event's first and second entity (the two of a "touches" event in either
// order), {C} by the new colour of a colour change. A relation template
// (Kind is a Relation* name) combines clauses: {X} is the target clause,
// {Y} the anchor clause, {N} an ordinal word ("first", "second", ... or
// "last").
type Template struct {
	ID      string
	Kind    string
	Pattern string
}

// clauseTemplates are the paraphrases of each event kind.
var clauseTemplates = []Template{
	{"enters/enters", KindEnters, "{A} enters the frame"},
	{"enters/comes-into-view", KindEnters, "{A} comes into view"},
	{"enters/moves-into", KindEnters, "{A} moves into the picture"},
	{"enters/slides-in", KindEnters, "{A} slides into view"},
	{"leaves/leaves", KindLeaves, "{A} leaves the frame"},
	{"leaves/goes-out", KindLeaves, "{A} goes out of view"},
	{"leaves/exits", KindLeaves, "{A} exits the picture"},
	{"leaves/moves-out", KindLeaves, "{A} moves out of sight"},
	{"moves/moves", KindMoves, "{A} moves"},
	{"moves/is-moving", KindMoves, "{A} is moving"},
	{"moves/slides", KindMoves, "{A} slides across the scene"},
	{"moves/travels", KindMoves, "{A} travels across the screen"},
	{"moves/in-motion", KindMoves, "{A} is in motion"},
	{"still/stays-still", KindStill, "{A} stays still"},
	{"still/stands-still", KindStill, "{A} stands still"},
	{"still/rests", KindStill, "{A} rests in place"},
	{"still/not-moving", KindStill, "{A} is not moving"},
	{"touches/touches", KindTouches, "{A} touches {B}"},
	{"touches/bumps-into", KindTouches, "{A} bumps into {B}"},
	{"touches/makes-contact", KindTouches, "{A} makes contact with {B}"},
	{"touches/collides", KindTouches, "{A} collides with {B}"},
	{"touches/runs-into", KindTouches, "{A} runs into {B}"},
	{"touches/and-touch", KindTouches, "{A} and {B} touch"},
	{"touches/in-contact", KindTouches, "{A} and {B} are in contact"},
	{"occludes/passes-in-front", KindOccludes, "{A} passes in front of {B}"},
	{"occludes/hidden-behind", KindOccludes, "{B} is hidden behind {A}"},
	{"occludes/covers", KindOccludes, "{A} covers {B}"},
	{"occludes/occluded-by", KindOccludes, "{B} is occluded by {A}"},
	{"occludes/blocks-view", KindOccludes, "{A} blocks the view of {B}"},
	{"colour_change/changes-to", KindColourChange, "{A} changes colour to {C}"},
	{"colour_change/turns", KindColourChange, "{A} turns {C}"},
	{"colour_change/becomes", KindColourChange, "{A} becomes {C}"},
	{"colour_change/changes-its", KindColourChange, "{A} changes its colour"},
	{"disappears/disappears", KindDisappears, "{A} disappears"},
	{"disappears/vanishes", KindDisappears, "{A} vanishes"},
	{"disappears/shrinks-away", KindDisappears, "{A} shrinks until it is gone"},
	{"reappears/reappears", KindReappears, "{A} reappears"},
	{"reappears/appears-again", KindReappears, "{A} appears again"},
	{"reappears/comes-back", KindReappears, "{A} comes back"},
	{"reappears/grows-back", KindReappears, "{A} grows back into view"},
}

// relationTemplates combine a target clause {X} with an ordinal {N} or an
// anchor clause {Y}.
var relationTemplates = []Template{
	{"ordinal/for-the-nth-time", RelationOrdinal, "{X} for the {N} time"},
	{"ordinal/the-nth-time-that", RelationOrdinal, "the {N} time that {X}"},
	{"after/after", RelationAfter, "{X} after {Y}"},
	{"after/after-lead", RelationAfter, "after {Y}, {X}"},
	{"after/once", RelationAfter, "once {Y}, {X}"},
	{"before/before", RelationBefore, "{X} before {Y}"},
	{"before/before-lead", RelationBefore, "before {Y}, {X}"},
	{"while/while", RelationWhile, "{X} while {Y}"},
	{"while/while-lead", RelationWhile, "while {Y}, {X}"},
	{"while/same-time", RelationWhile, "{X} at the same time as {Y}"},
}

// Templates returns every query template: the clause templates, then the
// relation templates.
func Templates() []Template {
	return append(slices.Clone(clauseTemplates), relationTemplates...)
}

// ordinalWords are the ordinal numbers a query can use.
var ordinalWords = [...]string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"}

// fill replaces the placeholders of a pattern.
func fill(pattern string, kv ...string) string {
	return strings.NewReplacer(kv...).Replace(pattern)
}

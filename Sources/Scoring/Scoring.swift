// Scoring: the official index as a template, metrics from Roster's evidence, and the rules
// that turn them into item scores (DESIGN §3, §5).
import Roster

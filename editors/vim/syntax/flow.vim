" Vim syntax file for Flow (.flow), the language of procflow.
" Reference: docs/language.md in the procflow repository.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Names are ASCII letters, digits, `_` and `-`: a keyword is a whole word, so
" `owners`, `run_job` and `step-2` are ordinary names.
syn iskeyword a-z,A-Z,48-57,_,-
syn case match

" Comments: `#` to the end of the line (a `#` inside a string is the string's).
syn keyword flowTodo contained TODO FIXME XXX NOTE
syn match flowComment "#.*$" contains=flowTodo,@Spell

" Single-line strings, with escapes. Any other backslash is an error; an
" unterminated string ends at the end of its line.
syn match flowBadEscape contained +\\.\=+
" (`[u]` is a class so that the word-table test, tests/words.rs, does not
" take `u` for a word.)
syn match flowEscape contained +\\\%(["\\nt]\|[u]{\x\{1,6}}\)+
syn region flowString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline
      \ contains=flowEscape,flowBadEscape,@Spell
" Multi-line strings: taken literally, no escapes. Defined after flowString so
" that `"""` starts one of these, not an empty line string.
syn region flowBlockString start=+"""+ end=+"""+ contains=@Spell

" Declarations and their names.
syn keyword flowInclude use
syn keyword flowDeclaration role process workflow nextgroup=flowTypeName skipwhite
syn keyword flowStep step nextgroup=flowStepName skipwhite
syn match flowTypeName contained "[A-Za-z][A-Za-z0-9_-]*"
syn match flowStepName contained "[A-Za-z][A-Za-z0-9_-]*"

" Attributes. `tool` is a match, not a keyword: a keyword would win over the
" declaration match below. An attribute whose value is names is followed by
" flowName, so that a word of version 2 there (`owner escalate`) is a name.
syn keyword flowAttribute implements owner after needs produces
      \ nextgroup=flowName skipwhite
syn keyword flowAttribute wait within run description outcome trigger who url version
syn keyword flowFlag automated external optional
syn match flowAttribute "\%(^\|[^A-Za-z0-9_-]\)\@1<=tool\%([A-Za-z0-9_-]\)\@!"
      \ nextgroup=flowName skipwhite
" `tool` starts a declaration only at the start of a line (top-level items are
" not indented); indented, it is the attribute. Defined last, so it wins there.
syn match flowDeclaration "^tool\%([A-Za-z0-9_-]\)\@!" nextgroup=flowTypeName skipwhite

" Names in an attribute's value: a comma list, which may go on over the next
" line after a comma.
syn match flowName contained "[A-Za-z][A-Za-z0-9_-]*" nextgroup=flowNameComma skipwhite
syn match flowNameComma contained "," nextgroup=flowName skipwhite skipnl

" The words of version 2 are keywords only where an attribute starts: they are
" matches, not keywords, so that where a name goes (`owner escalate`, `step
" every`, `when not with`) the name, tried first after the word before it,
" wins.
syn match flowAttribute "\<\%(input\|with\|escalate\)\>" nextgroup=flowName skipwhite
syn match flowAttribute "\<\%(takes\|target\|every\)\>"
syn match flowAttribute "\<decides\>" nextgroup=flowDecision skipwhite
syn match flowAttribute "\<rework\>" nextgroup=flowReworkStep skipwhite

" `when` and its conditions, all of which must hold: `"free text"`, a decision
" `NAME` or `not NAME` (`not` alone is a decision called `not`).
syn keyword flowAttribute when nextgroup=flowCondNot,flowDecision,flowCondString skipwhite
syn match flowDecision contained "[A-Za-z][A-Za-z0-9_-]*" nextgroup=flowCondComma skipwhite
syn match flowCondNot contained "\<not\>\%(\s\+[A-Za-z]\)\@=" nextgroup=flowDecision skipwhite
syn match flowCondComma contained "," nextgroup=flowCondNot,flowDecision,flowCondString
      \ skipwhite skipnl
syn region flowCondString contained start=+"\%(""\)\@!+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline
      \ contains=flowEscape,flowBadEscape,@Spell nextgroup=flowCondComma skipwhite

" `rework STEP when not DECISION`.
syn match flowReworkStep contained "[A-Za-z][A-Za-z0-9_-]*" nextgroup=flowReworkWhen skipwhite
syn match flowReworkWhen contained "\<when\>" nextgroup=flowReworkNot skipwhite
syn match flowReworkNot contained "\<not\>" nextgroup=flowDecision skipwhite

" `allow` and its lint codes, a comma-separated list (which may go on over the
" next line after a comma).
syn keyword flowAllow allow nextgroup=flowLintCode skipwhite
syn match flowLintCode contained "[A-Za-z][A-Za-z0-9_-]*" nextgroup=flowLintComma skipwhite
syn match flowLintComma contained "," nextgroup=flowLintCode skipwhite skipnl

" Durations: a positive whole number and one unit (30m 4h 2d 1w). A number with
" anything else, or a zero duration, is an error.
syn match flowError "\%([A-Za-z0-9_-]\)\@1<!\d[A-Za-z0-9_-]*"
syn match flowDuration "\%([A-Za-z0-9_-]\)\@1<!\d\+[mhdw]\%([A-Za-z0-9_-]\)\@!"
syn match flowError "\%([A-Za-z0-9_-]\)\@1<!0\+[mhdw]\%([A-Za-z0-9_-]\)\@!"

syn match flowBrace "[{}]"
syn match flowComma ","

" Block strings can be long: always highlight from the start of the file.
syn sync fromstart

hi def link flowTodo        Todo
hi def link flowComment     Comment
hi def link flowString      String
hi def link flowBlockString String
hi def link flowEscape      SpecialChar
hi def link flowBadEscape   Error
hi def link flowInclude     Keyword
hi def link flowDeclaration Keyword
hi def link flowStep        Keyword
hi def link flowTypeName    Type
hi def link flowStepName    Function
hi def link flowAttribute   Statement
hi def link flowFlag        Statement
hi def link flowNameComma   Delimiter
hi def link flowDecision    Identifier
hi def link flowCondNot     Operator
hi def link flowCondComma   Delimiter
hi def link flowCondString  String
hi def link flowReworkWhen  Statement
hi def link flowReworkNot   Operator
hi def link flowAllow       Statement
hi def link flowLintCode    PreProc
hi def link flowLintComma   Delimiter
hi def link flowDuration    Number
hi def link flowError       Error
hi def link flowBrace       Delimiter
hi def link flowComma       Delimiter

let b:current_syntax = 'flow'

let &cpo = s:cpo_save
unlet s:cpo_save

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
syn match flowEscape contained +\\\%(["\\nt]\|u{\x\{1,6}}\)+
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
" declaration match below.
syn keyword flowAttribute implements owner after when wait within needs produces
      \ run description outcome trigger who url version
syn keyword flowFlag automated external optional
syn match flowAttribute "\%(^\|[^A-Za-z0-9_-]\)\@1<=tool\%([A-Za-z0-9_-]\)\@!"
" `tool` starts a declaration only at the start of a line (top-level items are
" not indented); indented, it is the attribute. Defined last, so it wins there.
syn match flowDeclaration "^tool\%([A-Za-z0-9_-]\)\@!" nextgroup=flowTypeName skipwhite

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

" Vim filetype plugin for Flow (.flow), the language of procflow.
" See docs/editors.md in the procflow repository.

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

" `#` comments, for gc-style plugins and for `gq` on comment paragraphs.
setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
" Names may contain `-` and `_`: `*` and `w` then take `follow-up` whole.
setlocal iskeyword=a-z,A-Z,48-57,_,-
" The style of `procflow fmt`: two spaces per level.
setlocal expandtab shiftwidth=2 softtabstop=2
" `:make` checks the current file; errors go to the quickfix list.
setlocal makeprg=procflow\ check\ --format\ short\ %
setlocal errorformat=%f:%l:%c:\ %m

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< iskeyword<'
      \ . ' expandtab< shiftwidth< softtabstop< makeprg< errorformat<'

let &cpo = s:cpo_save
unlet s:cpo_save

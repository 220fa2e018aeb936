" Flow (procflow) files.
au BufRead,BufNewFile *.flow setfiletype flow

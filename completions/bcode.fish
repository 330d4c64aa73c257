complete --keep-order --exclusive --command bcode --arguments "(COMPLETE=fish bcode -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"

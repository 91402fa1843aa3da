module github.com/presence-sync/presence-sync

go 1.26

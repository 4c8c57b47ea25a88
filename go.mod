module ferry

go 1.26.0

require (
	github.com/pelletier/go-toml/v2 v2.4.3
	golang.org/x/term v0.48.0
)

require golang.org/x/sys v0.50.0 // indirect

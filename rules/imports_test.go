package rules

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forbiddenInEngine are the packages the engine must not depend on, directly
// or through anything it imports: they would weigh on the WebAssembly module
// (reflect, fmt, encoding/json) or tie the engine to a host (os, syscall/js).
// Tooling sub-packages under rules/ (the CLI, the scenario runner) may use them.
var forbiddenInEngine = []string{"reflect", "fmt", "encoding/json", "os", "syscall/js"}

// The guard: `go list -deps` of package rules, natively and for js/wasm,
// holds none of the forbidden packages.
func TestEngineImportsNoForbiddenPackage(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	for _, target := range []struct{ goos, goarch string }{{runtime.GOOS, runtime.GOARCH}, {"js", "wasm"}} {
		t.Run(target.goos+"/"+target.goarch, func(t *testing.T) {
			cmd := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}}", ".")
			cmd.Env = append(os.Environ(), "GOOS="+target.goos, "GOARCH="+target.goarch, "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			deps := strings.Fields(string(out))
			require.Contains(t, deps, "github.com/presence-sync/presence-sync/rules", "the listing is of this package")
			for _, f := range forbiddenInEngine {
				assert.NotContains(t, deps, f, "package rules depends on %s", f)
			}
		})
	}
}

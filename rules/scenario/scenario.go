package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/metadata"
)

// Scenario is a scripted run of the coordinator against simulated platforms
// (README.md, "Scenario files").
type Scenario struct {
	Name        string                  `json:"name"`
	Description string                  `json:"description"`
	Rules       json.RawMessage         `json:"rules"`
	RulesFile   string                  `json:"rulesFile"`
	Connect     rules.ConnectCatalog    `json:"connect"`
	Salesforce  rules.SalesforceCatalog `json:"salesforce"`
	Initial     rules.State             `json:"initial"`
	// Live (an extension) is what the platforms report at start when it differs
	// from the document's catalogs, e.g. a status the agent's profile lacks.
	Live *struct {
		Connect    rules.ConnectCatalog    `json:"connect"`
		Salesforce rules.SalesforceCatalog `json:"salesforce"`
	} `json:"live,omitempty"`
	Options  json.RawMessage `json:"options"`
	Feedback bool            `json:"feedback"`
	Steps    []Step          `json:"steps"`

	path string
}

// Step is one step of a scenario. Its inputs run in this order: fail, missed,
// leader, remote, salesforce, connect, event; then advanceMs; then the checks.
type Step struct {
	Event     json.RawMessage `json:"event,omitempty"`
	AdvanceMs int64           `json:"advanceMs,omitempty"`
	Fail      *FailSpec       `json:"fail,omitempty"`
	// Reconcile marks the first step as the check of the reconcile at start
	// (options.reconcile): its expectations cover the writes it caused.
	Reconcile bool `json:"reconcile,omitempty"`
	// Connect: what Streams reports without a state change ({contacts?,
	// nextState?, stateType?, routingProfile?, states?}); it changes the
	// simulated CCP, and a contact ending with a next state queued moves it
	// there (a state change event, as Streams reports it).
	Connect json.RawMessage `json:"connect,omitempty"`
	// Salesforce: Omni-Channel read late or again ({status|null, statuses?,
	// serviceChannels?}); it sets the simulated Omni-Channel too.
	Salesforce json.RawMessage `json:"salesforce,omitempty"`
	// Remote: a writer tab's action as this tab hears of it ({from?, action}).
	Remote json.RawMessage `json:"remote,omitempty"`
	// Leader: this tab becomes the writer (true) or a follower (false).
	Leader *bool `json:"leader,omitempty"`
	// Missed changes the simulated platforms without telling the engine: a
	// change this tab did not hear of (it was in the back-forward cache, or
	// had not loaded yet).
	Missed *struct {
		ConnectState     *string `json:"connectState"`
		SalesforceStatus *string `json:"salesforceStatus"`
	} `json:"missed,omitempty"`

	Expect      json.RawMessage `json:"expect,omitempty"`
	ExpectError json.RawMessage `json:"expectError,omitempty"`
	ExpectState *struct {
		ConnectState     *string `json:"connectState"`
		SalesforceStatus *string `json:"salesforceStatus"`
		ConnectNextState *string `json:"connectNextState"`
	} `json:"expectState,omitempty"`
	// ExpectSettled (an extension) checks that every write so far has ended:
	// applied, skipped, superseded or failed, none still pending.
	ExpectSettled bool `json:"expectSettled,omitempty"`
	// ExpectReads: the complete set of reads the step caused ({destination}).
	ExpectReads json.RawMessage `json:"expectReads,omitempty"`
	// ExpectActions: each must match one of the step's action status changes
	// on the keys it names ("reason" matches a part of the reason).
	ExpectActions []map[string]any `json:"expectActions,omitempty"`
	// ExpectDecisions: each must match one of the step's decisions on the keys
	// it names (echo, duplicate, reconcile, note — a part of it —, event, ...).
	ExpectDecisions []map[string]any `json:"expectDecisions,omitempty"`
}

// FailSpec makes the next Times writes (or, with Reads, reads) to a
// destination fail with Error. The error "NoAnswer" makes the platform never
// answer (a timeout).
type FailSpec struct {
	Destination string `json:"destination"`
	Error       string `json:"error"`
	Times       int    `json:"times"`
	Reads       bool   `json:"reads,omitempty"`
}

// LoadScenario reads a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sc.path = path
	return sc, nil
}

// ParseScenario reads a scenario from JSON.
func ParseScenario(data []byte) (*Scenario, error) {
	sc := &Scenario{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(sc); err != nil {
		return nil, fmt.Errorf("not a valid scenario: %w", err)
	}
	return sc, nil
}

// rulesDocument builds the rules document the scenario runs: its inline rules
// (an array, or a whole document) or its rulesFile, with the scenario's catalogs.
func (sc *Scenario) rulesDocument() ([]byte, error) {
	var doc map[string]json.RawMessage
	switch {
	case sc.RulesFile != "":
		p := sc.RulesFile
		if !filepath.IsAbs(p) && sc.path != "" {
			p = filepath.Join(filepath.Dir(sc.path), p)
		}
		if metadata.IsFolder(p) {
			return folderDocument(p, sc)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("rulesFile: %w", err)
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return data, nil // let the rules parser report it, located
		}
	case len(sc.Rules) > 0 && sc.Rules[0] == '[':
		doc = map[string]json.RawMessage{"rules": sc.Rules}
	case len(sc.Rules) > 0:
		if err := json.Unmarshal(sc.Rules, &doc); err != nil {
			return nil, fmt.Errorf("rules must be an array of rules or a rules document: %w", err)
		}
	default:
		return nil, fmt.Errorf("the scenario has neither rules nor rulesFile")
	}
	sc.addCatalogs(doc)
	return json.MarshalIndent(doc, "", "  ")
}

// addCatalogs puts the scenario's catalogs into the rules document.
func (sc *Scenario) addCatalogs(doc map[string]json.RawMessage) {
	if len(sc.Connect.States) > 0 {
		doc["connect"], _ = json.Marshal(sc.Connect)
	}
	if len(sc.Salesforce.Statuses) > 0 || len(sc.Salesforce.ServiceChannels) > 0 {
		doc["salesforce"], _ = json.Marshal(sc.Salesforce)
	}
}

// folderDocument builds the rules document of a rulesFile that is a folder
// of PresenceSyncRule records, with the scenario's catalogs. Problems are
// reported as lint reports them, naming each record's file and field.
func folderDocument(dir string, sc *Scenario) ([]byte, error) {
	f, err := metadata.Read(dir, metadata.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("rulesFile: %w", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(f.Document, &doc); err != nil {
		return nil, fmt.Errorf("rulesFile %s: %w", dir, err)
	}
	sc.addCatalogs(doc)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	_, diags := rules.Parse(out)
	problems := append(f.Problems, f.Locate(diags.Errors())...)
	if errs, _ := problems.Count(); errs > 0 {
		var shown metadata.Problems
		for _, p := range problems {
			if p.Severity == rules.SeverityError {
				shown = append(shown, p)
			}
		}
		msg := "the rules are invalid: " + strconv.Itoa(errs) + " problem"
		if errs != 1 {
			msg += "s"
		}
		return nil, &rules.Error{Code: rules.CodeInvalidRules, Message: msg + ":\n" + shown.String()}
	}
	return out, nil
}

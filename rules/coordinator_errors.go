package rules

import "strings"

// Classifying the errors platforms give for a failed command (Semantics 12):
// permanent ones are not retried — a target missing from the catalog,
// InvalidParameterException, AccessDeniedException and every Salesforce
// permission error; everything else (InvalidStateException, timeouts,
// throttling, network) is transient.

// errorClass is what an error means for the coordinator.
type errorClass struct {
	permanent  bool
	permission bool // the user lacks a permission (a kind of permanent)
}

// permanentTypes are error types another try cannot fix.
var permanentTypes = map[string]bool{
	"InvalidParameterException": true, // Connect PutAgentState: the state does not exist
	CodeUnknownState:            true, // the shim found no such state or status
}

// permissionTypes are the error types Salesforce (and Connect) use for a
// missing permission: Aura/Apex (NoAccessException), SOAP and REST
// (INSUFFICIENT_ACCESS…, with or without the SOAP "sf:" prefix), Connect
// (AccessDeniedException), and the spellings the adapters use.
var permissionTypes = map[string]bool{
	"AccessDeniedException":                         true,
	"NoAccessException":                             true,
	"System.NoAccessException":                      true,
	"INSUFFICIENT_ACCESS":                           true,
	"INSUFFICIENT_ACCESS_OR_READONLY":               true,
	"INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY": true,
	"PermissionDenied":                              true,
	"permission":                                    true,
}

// permissionText are phrases (lower case) by which a message says a
// permission is missing. Since Winter '22, reading
// ServicePresenceStatus.DeveloperName needs "View Setup and Configuration" or
// "View DeveloperName"; a query without it fails with "No such column
// 'DeveloperName'".
var permissionText = [...]string{
	"view setup and configuration", "view developername",
	"insufficient access", "insufficient privileges", "insufficient permissions", "insufficient_access",
	"do not have access", "do not have permission", "don't have access", "don't have permission",
	"doesn't have access", "doesn't have permission", "does not have access", "does not have permission",
	"no access to", "not allowed to", "inaccessible", "access denied", "permission denied",
	"no such column 'developername", "no such column developername",
}

// classifyError says whether an error (its type, without a SOAP "sf:" prefix,
// and its message) is permanent.
func classifyError(typ, msg string) errorClass {
	typ = strings.TrimPrefix(typ, "sf:")
	if permissionTypes[typ] || hasPermissionText(typ) || hasPermissionText(msg) {
		return errorClass{permanent: true, permission: true}
	}
	return errorClass{permanent: permanentTypes[typ]}
}

func hasPermissionText(s string) bool {
	if s == "" {
		return false
	}
	l := strings.ToLower(s)
	for _, p := range permissionText {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// maxErrorText bounds an error's message as passed on (a hostile platform
// answer must not come back whole in every log line).
const maxErrorText = 2000

// readPlatformError reads a failed command's error in any of the shapes the
// platforms give it: Streams' JSON string ({"type": "InvalidStateException",
// "message": "..."}); an object with a type (type, errorType, errorCode,
// faultcode, exceptionType, statusCode, or a name other than "Error") and a
// message (message, faultstring, error, or errors[] of messages); or a plain
// string — an identifier is a type, any other text a message.
func readPlatformError(n *jnode) (typ, msg string) {
	if n.absent() {
		return "", ""
	}
	if n.kind == jString {
		inner, jerr := parseJSON([]byte(n.str))
		if jerr != nil || inner.kind != jObject {
			if isIdentifier(n.str) {
				return n.str, ""
			}
			return "Error", bounded(n.str)
		}
		n = inner
	}
	if n.kind != jObject {
		return "Error", describeNode(n)
	}
	for _, k := range [...]string{"type", "errorType", "errorCode", "faultcode", "exceptionType", "statusCode", "name"} {
		t := errorText(n.get(k))
		if t != "" && !(k == "name" && t == "Error") {
			typ = t
			break
		}
	}
	for _, k := range [...]string{"message", "faultstring", "error"} {
		if msg = errorText(n.get(k)); msg != "" {
			break
		}
	}
	if errs := n.get("errors"); msg == "" && errs != nil && errs.kind == jArray {
		var parts []string
		for i, e := range errs.vals {
			if i == 10 {
				break
			}
			t := errorText(e)
			if e.kind == jObject {
				if t = errorText(e.get("message")); t == "" {
					t = errorText(e.get("description"))
				}
			}
			if t != "" {
				parts = append(parts, t)
			}
		}
		msg = bounded(strings.Join(parts, "; "))
	}
	return strings.TrimPrefix(typ, "sf:"), msg
}

// errorText is the text of a value in an error: strings as they are
// (bounded), numbers and booleans spelled out, anything else nothing.
func errorText(n *jnode) string {
	if n.absent() {
		return ""
	}
	switch n.kind {
	case jString:
		return bounded(n.str)
	case jNumber:
		return n.numText()
	case jBool:
		if n.b {
			return "true"
		}
		return "false"
	}
	return ""
}

func bounded(s string) string {
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "… (" + itoa(len(s)) + " characters)"
}

// isIdentifier: a short word such as "NetworkError" or "INSUFFICIENT_ACCESS".
func isIdentifier(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '.' || b == ':' || b == '-') {
			return false
		}
	}
	return true
}

package fakediscord

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Checking request bodies against Discord's OpenAPI 3.1 document. Its schemas
// are JSON Schema 2020-12, so the whole document is added to a
// santhosh-tekuri/jsonschema compiler as one resource and each request body
// schema is compiled from a JSON pointer into it; "#/components/schemas/..."
// references then resolve inside the document.

// specURL names the document inside the compiler; nothing is fetched.
const specURL = "https://fakediscord.invalid/openapi.json"

// specRel is where the document lives relative to some ancestor directory
// (/work/shared/discord/openapi.json on a developer's machine, a copy of
// shared/ beside the clone in CI).
var specRel = filepath.Join("shared", "discord", "openapi.json")

// findSpec walks up from the working directory, then from this source file,
// to a directory holding shared/discord/openapi.json, and returns "" if none
// does.
func findSpec() string {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			p := filepath.Join(dir, specRel)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return ""
}

type spec struct {
	doc       map[string]any
	templates []specTemplate

	mu       sync.Mutex // guards compiler and schemas: the compiler is not safe for concurrent use
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

type specTemplate struct {
	tmpl    string
	segs    []string
	methods map[string]bool
}

type specEntry struct {
	once sync.Once
	sp   *spec
	err  error
}

// specs caches loaded documents by path: the document is 1.2 MB and is read
// and parsed once per process, however many Servers a test binary starts.
var specs = struct {
	sync.Mutex
	m map[string]*specEntry
}{m: map[string]*specEntry{}}

func loadSpec(path string) (*spec, error) {
	specs.Lock()
	e := specs.m[path]
	if e == nil {
		e = &specEntry{}
		specs.m[path] = e
	}
	specs.Unlock()
	e.once.Do(func() { e.sp, e.err = readSpec(path) })
	return e.sp, e.err
}

func readSpec(path string) (*spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("openapi spec: %w", err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("openapi spec %s: %w", path, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi spec %s: not a JSON object", path)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(specURL, doc); err != nil {
		return nil, fmt.Errorf("openapi spec %s: %w", path, err)
	}
	sp := &spec{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	paths, _ := doc["paths"].(map[string]any)
	for tmpl, item := range paths {
		t := specTemplate{tmpl: tmpl, segs: strings.Split(tmpl, "/"), methods: map[string]bool{}}
		if ops, ok := item.(map[string]any); ok {
			for m := range ops {
				t.methods[strings.ToUpper(m)] = true
			}
		}
		sp.templates = append(sp.templates, t)
	}
	// Most literal segments first, so /messages/@original beats /messages/{message_id}.
	slices.SortFunc(sp.templates, func(a, b specTemplate) int { return literals(b.segs) - literals(a.segs) })
	return sp, nil
}

func literals(segs []string) int {
	n := 0
	for _, s := range segs {
		if !strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

// route returns the spec's template for a request path (after /api/vN), or "".
func (sp *spec) route(method, path string) string {
	for _, t := range sp.templates {
		if _, ok := matchTemplate(t.segs, path); ok && t.methods[method] {
			return t.tmpl
		}
	}
	return ""
}

// escapePointer escapes one JSON pointer token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// requestBodyPointer is the pointer to a route's application/json request
// body schema, or "" if the document has none.
func (sp *spec) requestBodyPointer(tmpl, method string) string {
	m := strings.ToLower(method)
	node := any(sp.doc)
	for _, k := range []string{"paths", tmpl, m, "requestBody", "content", "application/json", "schema"} {
		obj, ok := node.(map[string]any)
		if !ok {
			return ""
		}
		if node, ok = obj[k]; !ok {
			return ""
		}
	}
	return "/paths/" + escapePointer(tmpl) + "/" + m + "/requestBody/content/application~1json/schema"
}

// validate checks v against the schema at pointer ptr in the document.
func (sp *spec) validate(ptr string, v any) ([]violation, error) {
	sp.mu.Lock()
	sch := sp.schemas[ptr]
	if sch == nil {
		var err error
		sch, err = sp.compiler.Compile(specURL + "#" + ptr)
		if err != nil {
			sp.mu.Unlock()
			return nil, fmt.Errorf("openapi spec: compile %s: %w", ptr, err)
		}
		sp.schemas[ptr] = sch
	}
	sp.mu.Unlock()
	err := sch.Validate(v)
	if err == nil {
		return nil, nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, err
	}
	return flattenSchemaError(ve), nil
}

var printer = message.NewPrinter(language.English)

// flattenSchemaError turns a validation error tree into one violation per
// failed leaf. In anyOf/oneOf it keeps only the branches that applied: a
// branch that failed on the value's type or on its "type" discriminator
// (an option of another type, null versus object) is noise.
func flattenSchemaError(root *jsonschema.ValidationError) []violation {
	var out []violation
	seen := map[string]bool{}
	add := func(v violation) {
		if k := v.String(); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		causes := e.Causes
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf:
			var keep []*jsonschema.ValidationError
			for _, c := range causes {
				if !inapplicable(c, e.InstanceLocation) {
					keep = append(keep, c)
				}
			}
			if len(keep) == 0 && len(causes) > 0 {
				var msgs []string
				for _, c := range causes {
					msgs = append(msgs, leafMessages(c)...)
				}
				add(violation{dotted(e.InstanceLocation), "BASE_TYPE_BAD_TYPE", "openapi: " + strings.Join(msgs, "; or ")})
				return
			}
			causes = keep
		}
		if len(causes) == 0 {
			add(violation{dotted(e.InstanceLocation), schemaCode(e.ErrorKind), "openapi: " + e.ErrorKind.LocalizedString(printer)})
			return
		}
		for _, c := range causes {
			walk(c)
		}
	}
	walk(root)
	return out
}

func leafMessages(e *jsonschema.ValidationError) []string {
	if len(e.Causes) == 0 {
		return []string{e.ErrorKind.LocalizedString(printer)}
	}
	var out []string
	for _, c := range e.Causes {
		out = append(out, leafMessages(c)...)
	}
	return out
}

// inapplicable reports whether a union branch failed because the value is of
// another type or another "type" variant than the branch describes.
func inapplicable(e *jsonschema.ValidationError, loc []string) bool {
	switch e.ErrorKind.(type) {
	case *kind.Type:
		if slices.Equal(e.InstanceLocation, loc) {
			return true
		}
	case *kind.Enum, *kind.Const:
		if len(e.InstanceLocation) == len(loc)+1 && e.InstanceLocation[len(loc)] == "type" &&
			slices.Equal(e.InstanceLocation[:len(loc)], loc) {
			return true
		}
	}
	for _, c := range e.Causes {
		if inapplicable(c, loc) {
			return true
		}
	}
	return false
}

func dotted(loc []string) string { return strings.Join(loc, ".") }

// schemaCode maps a schema keyword to the error code Discord uses for it.
func schemaCode(k jsonschema.ErrorKind) string {
	switch k.(type) {
	case *kind.MaxLength, *kind.MaxItems, *kind.MaxProperties:
		return "BASE_TYPE_MAX_LENGTH"
	case *kind.MinLength, *kind.MinItems, *kind.MinProperties:
		return "BASE_TYPE_MIN_LENGTH"
	case *kind.Required:
		return "BASE_TYPE_REQUIRED"
	case *kind.Enum, *kind.Const:
		return "BASE_TYPE_CHOICES"
	case *kind.Pattern:
		return "STRING_TYPE_REGEX"
	case *kind.Maximum, *kind.ExclusiveMaximum:
		return "NUMBER_TYPE_MAX"
	case *kind.Minimum, *kind.ExclusiveMinimum:
		return "NUMBER_TYPE_MIN"
	case *kind.Type:
		return "BASE_TYPE_BAD_TYPE"
	}
	return "BASE_TYPE_INVALID"
}

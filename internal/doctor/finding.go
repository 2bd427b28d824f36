package doctor

// Level is how a finding stands.
type Level string

// The levels, from good to bad; Skip is "not checked", with the reason.
const (
	OK   Level = "ok"
	Skip Level = "skip"
	Warn Level = "warn"
	Fail Level = "fail"
)

// Finding is one checked fact; the JSON names are an API.
type Finding struct {
	ID      string `json:"id"`               // e.g. "gif.mtu"
	Tunnel  string `json:"tunnel,omitempty"` // "" for the configuration as a whole
	Level   Level  `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"` // what to do; empty when ok
}

// Failed says whether any finding needs fixing.
func Failed(fs []Finding) bool {
	for _, f := range fs {
		if f.Level == Fail {
			return true
		}
	}
	return false
}

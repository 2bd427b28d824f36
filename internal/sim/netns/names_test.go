package netns

import "testing"

func TestNames(t *testing.T) {
	o := owner{pid: 4242, start: 987654}
	name := nsName(o, 3, "router")
	if name != "gifsim-4242-987654-3-router" {
		t.Errorf("nsName = %q", name)
	}
	got, ok := parseName(name)
	if !ok || got != o {
		t.Errorf("parseName(%q) = %v, %v; want %v, true", name, got, ok, o)
	}
	for _, bad := range []string{"gt-1-2", "gifsim-x-1-1-router", "gifsim-12-router", "gifsim-0-5-1-isp", "router"} {
		if _, ok := parseName(bad); ok {
			t.Errorf("parseName(%q) accepted a name this package never makes", bad)
		}
	}
}

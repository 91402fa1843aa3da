package rules

// The loop breaker (Semantics 10): more than loopMaxWrites writes to one
// destination within loopWindowMs pauses writes to it and raises a loop error
// naming the rules involved; a change the agent makes by hand resumes it
// (HandleEvent, isHandChange).

type recentWrite struct {
	at    int64
	rule  string
	value string
}

// loopTripped reports (and acts on) a write that would exceed the limit: the
// destination is paused, the write skipped, and a loop error raised.
func (c *Coordinator) loopTripped(now int64, ds *destState, w *write) bool {
	c.pruneRecent(now, ds)
	if len(ds.recent) < c.opts.LoopMaxWrites {
		return false
	}
	ds.paused = true
	rules := c.loopRules(now, w.action.Rule)
	c.setStatus(w, StatusSkipped, reasonLoopPaused)
	c.raise(&Error{Code: CodeLoop, Destination: w.action.Destination.String(), Rules: rules,
		Message: msgLoop(rules, w.action.Destination, c.opts.LoopMaxWrites, c.opts.LoopWindowMs)})
	return true
}

// resumeByHand: a change the agent makes by hand resumes every destination the
// loop breaker paused and starts its count afresh. It returns the destinations
// that were paused, for the decision's note.
func (c *Coordinator) resumeByHand(ev *Event) []Destination {
	if !c.isHandChange(ev) {
		return nil
	}
	var resumed []Destination
	for dst := range c.dests {
		if c.dests[dst].paused {
			resumed = append(resumed, Destination(dst))
		}
		c.dests[dst].paused = false
		c.dests[dst].recent = c.dests[dst].recent[:0]
	}
	return resumed
}

// noteResumed says on the hand change's decision that it resumed writes the
// loop breaker had paused, so that whoever reads the log sees why writes go
// through again.
func noteResumed(d *Decision, resumed []Destination) {
	if d == nil || len(resumed) == 0 {
		return
	}
	if d.Note != "" {
		d.Note += "; "
	}
	d.Note += msgResumedByHand(resumed)
}

func (c *Coordinator) pruneRecent(now int64, ds *destState) {
	k := 0
	for _, r := range ds.recent {
		if now-r.at < c.opts.LoopWindowMs {
			ds.recent[k] = r
			k++
		}
	}
	ds.recent = ds.recent[:k]
}

// loopRules names every rule that wrote to either destination within the
// loop window, oldest first, and last.
func (c *Coordinator) loopRules(now int64, last string) []string {
	type rw struct {
		at   int64
		rule string
	}
	var all []rw
	for d := range c.dests {
		for _, r := range c.dests[d].recent {
			if now-r.at < c.opts.LoopWindowMs {
				all = append(all, rw{r.at, r.rule})
			}
		}
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].at < all[j-1].at; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, r := range all {
		add(r.rule)
	}
	add(last)
	return names
}

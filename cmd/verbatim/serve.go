package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// The index is everything the bot reads, and what curators change.
var (
	_ bot.Library = (*retrieval.Index)(nil)
	_ bot.Curator = (*retrieval.Index)(nil)
	_ bot.Study   = (*retrieval.Index)(nil)
	_ bot.Fetcher = (*retrieval.Fetcher)(nil)
)

// ShutdownTimeout bounds how long serve waits for answers in flight after
// SIGINT or SIGTERM.
const ShutdownTimeout = 10 * time.Second

// errNoToken says exactly what to set; it is returned before anything
// connects.
var errNoToken = errors.New("serve: DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications " +
	"(Bot → Reset Token), then put DISCORD_TOKEN=<token> in .env (see .env.example) or the environment")

// runServe runs the Discord bot until ctx is cancelled (SIGINT/SIGTERM):
// it opens the index, connects, and on the way out stops taking new work,
// lets the answers in flight finish, and closes the session and the index
// in that order.
func (m *Main) runServe(ctx context.Context, args []string) error {
	opts, err := m.serveFlags(args)
	if err != nil {
		return err
	}
	c := opts.common
	if m.Config.DiscordToken == "" {
		return errNoToken
	}
	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	b := bot.New(bot.Config{Token: m.Config.DiscordToken, GuildID: m.Config.DiscordGuildID}, ix)
	b.Logger = m.Logger
	b.Curator = ix
	fetcher := retrieval.NewFetcher()
	fetcher.MaxBytes = m.Config.MaxFetch
	b.Fetcher = fetcher
	b.Cooldown = m.Config.Cooldown
	b.ServerRate = m.Config.ServerRate
	b.MaxQuestion = m.Config.MaxQuestion
	b.MaxUpload = m.Config.MaxUpload
	b.ShutdownTimeout = ShutdownTimeout
	b.Shards, b.ShardCount = opts.shards, opts.count
	b.Sample = bot.SampleLoaderFunc(func(ctx context.Context, library string) (int, error) {
		return loadSample(ctx, ix, library)
	})
	if m.PrepareBot != nil {
		m.PrepareBot(b)
	}
	if err := b.Open(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	m.Logger.Info("serving; stop with Ctrl-C", "db", retrieval.RedactURL(c.db), "guild_id", m.Config.DiscordGuildID,
		"shards", opts.shards, "shard_count", opts.count)
	<-ctx.Done()
	m.Logger.Info("shutting down", "timeout", ShutdownTimeout)
	if err := b.Close(); err != nil {
		return fmt.Errorf("serve: close: %w", err)
	}
	return nil
}

// serveOptions is serve's command line, with the settings filled in.
type serveOptions struct {
	*common
	shards []int // the gateway shards this process runs; nil when unsharded
	count  int   // the shards of the whole bot; 0 when unsharded
}

// serveFlags parses serve's command line. --shard I and --shard-range
// (A-B or a list such as 0,2,4-5) choose this process's shards, --shards N
// the count; each overrides VERBATIM_SHARD or VERBATIM_SHARDS. A shard
// needs a count and a count above 1 needs the shards to run, so that no
// process serves every shard by mistake.
func (m *Main) serveFlags(args []string) (serveOptions, error) {
	fs, c := m.flagSet("serve", "verbatim serve [--db PATH] [--shards N (--shard I | --shard-range A-B)]")
	shard := fs.String("shard", "", "the gateway shard `I` this process runs, 0 to N-1 (default $VERBATIM_SHARD)")
	shardRange := fs.String("shard-range", "", "the gateway shards this process runs: a `range` A-B or a list such as 0,2,4-5 (default $VERBATIM_SHARD)")
	count := fs.Int("shards", 0, "the number `N` of gateway shards the whole bot runs on (default $VERBATIM_SHARDS)")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return serveOptions{}, err
	}
	if len(pos) > 0 {
		return serveOptions{}, usageErrorf(fs, "unexpected argument %q", pos[0])
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	o := serveOptions{common: c, count: m.Config.Shards}
	spec, from := m.Config.Shard, "VERBATIM_SHARD"
	switch {
	case set["shard"] && set["shard-range"]:
		return o, usageErrorf(fs, "--shard and --shard-range both set: use --shard I for one shard or --shard-range A-B for several, not both")
	case set["shard"]:
		spec, from = strings.TrimSpace(*shard), "--shard"
		if _, err := strconv.Atoi(spec); err != nil {
			return o, usageErrorf(fs, "--shard %q is not a shard id: use --shard I with I from 0 to N-1, or --shard-range A-B for several", *shard)
		}
	case set["shard-range"]:
		spec, from = strings.TrimSpace(*shardRange), "--shard-range"
		if spec == "" {
			return o, usageErrorf(fs, "--shard-range is empty: use A-B or a list such as 0,2,4-5")
		}
	}
	countFrom := "VERBATIM_SHARDS"
	if set["shards"] {
		o.count, countFrom = *count, "--shards"
		if o.count < 1 || o.count > bot.MaxShards {
			return o, usageErrorf(fs, "--shards %d: use the number of gateway shards the whole bot runs on, from 1 to %d", o.count, bot.MaxShards)
		}
	}
	switch {
	case spec == "" && o.count <= 1:
		return serveOptions{common: c}, nil // unsharded (one shard of one is the same)
	case spec == "":
		return o, usageErrorf(fs, "%s is %d but this process runs no shard: set --shard I (0 to %d) or --shard-range A-B, or VERBATIM_SHARD",
			countFrom, o.count, o.count-1)
	case o.count == 0:
		return o, usageErrorf(fs, "%s %s needs the number of shards: set --shards N or VERBATIM_SHARDS", from, spec)
	}
	if o.shards, err = parseShards(spec, o.count); err != nil {
		return o, usageErrorf(fs, "%s %s: %v", from, spec, err)
	}
	return o, nil
}

// loadSample adds the embedded sample library to library and returns how
// many of its documents were new.
func loadSample(ctx context.Context, ix *retrieval.Index, library string) (int, error) {
	docs, err := sampleDocuments()
	if err != nil {
		return 0, err
	}
	res, err := ix.Add(ctx, library, docs...)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, r := range res {
		if r.Status != retrieval.StatusUnchanged {
			added++
		}
	}
	return added, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// The index is everything the bot reads, and what curators change.
var (
	_ bot.Library = (*retrieval.Index)(nil)
	_ bot.Curator = (*retrieval.Index)(nil)
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
	fs, c := m.flagSet("serve", "verbatim serve [--db PATH]")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf(fs, "unexpected argument %q", pos[0])
	}
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
	b.Sample = bot.SampleLoaderFunc(func(ctx context.Context, library string) (int, error) {
		return loadSample(ctx, ix, library)
	})
	if m.PrepareBot != nil {
		m.PrepareBot(b)
	}
	if err := b.Open(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	m.Logger.Info("serving; stop with Ctrl-C", "db", c.db, "guild_id", m.Config.DiscordGuildID)
	<-ctx.Done()
	m.Logger.Info("shutting down", "timeout", ShutdownTimeout)
	if err := b.Close(); err != nil {
		return fmt.Errorf("serve: close: %w", err)
	}
	return nil
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

package org.tutti.server.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tutti.mixer.PatchMode;
import org.tutti.mixer.dsp.Concealment;
import org.tutti.server.config.HubConfig;
import org.tutti.server.engine.SlotLayout;
import org.tutti.server.mix.MixBook;
import org.tutti.server.mix.MixModel;
import org.tutti.server.mix.Preset;

/**
 * The warm-up runs at every hub start, so it must go through for any configuration a hub accepts
 * (a warm-up that threw would only be logged, and the first joiner would wait again): rates, periods,
 * one channel, every concealment, fixed and auto depth, each send redundancy.
 */
class JoinWarmUpTest {

    @ParameterizedTest(name = "{0} Hz, {1} frames, {2} channels, {3}, auto depth {4}, redundancy {5}")
    @CsvSource({
            "48000, 128, 2, BURG, false, 0",
            "48000, 128, 64, BURG, true, 0",
            "44100, 128, 2, FADE, false, 2",
            "96000, 64, 1, SILENCE, true, 4",
            "48000, 32, 2, BURG, true, 1",
            "48000, 1024, 2, BURG, false, 3",
            "22050, 256, 2, FADE, true, 0",
    })
    void goesThroughAJoinForAnyConfiguration(int rate, int frames, int channels, Concealment concealment,
                                             boolean auto, int redundancy) {
        HubConfig.Builder builder = HubConfig.builder();
        builder.sampleRate = rate;
        builder.periodFrames = frames;
        builder.maxChannels = channels;
        builder.concealment = concealment;
        builder.queueAuto = auto;
        builder.sendRedundancy = redundancy;
        HubConfig config = builder.build();
        SlotLayout layout = new SlotLayout(4);
        MixModel mixes = new MixModel(new MixBook(Preset.of(PatchMode.CLIENT_FAN_OUT_IN, false)), false, false, layout,
                frames);
        mixes.hubChannels(2, 2);
        long nanos = JoinWarmUp.run(config, new StreamFactory(config), mixes);
        assertTrue(nanos > 0);
    }
}

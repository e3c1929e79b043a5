using GroupBot.Faq;

namespace GroupBot.Tests.Faq;

public sealed class FaqMatcherTests
{
    private static readonly IReadOnlyList<FaqDoc> Docs =
    [
        new("发货", "什么时候发货？多久能收到？", ["物流", "快递", "发货时间"]),
        new("退换货", "怎么退货、换货或退款？", ["退货", "换货", "退款"]),
        new("佣金", "佣金怎么算？", ["提成", "返佣"]),
        new("提现", "怎么提现？提现多久到账？", []),
        new("等级", "会员等级怎么升级？", ["升级", "金牌", "VIP"]),
        new("红包", "群里抢红包，手气最差的要做什么？", ["手气最差", "抢红包"]),
        new("团购", "怎么参加团购？", ["攒单", "拼单"]),
        new("猜价", "猜价游戏怎么玩？", ["猜价格"]),
        new("客服", "怎么联系人工客服？", []),
        new("双11", "双11有什么活动？", ["双十一", "1111"]),
    ];

    private static string Key(int index) => Docs[index].Key;

    private static string[] NearKeys(FaqMatch match) => match.Near.Select(Key).ToArray();

    [Theory]
    [InlineData("ＦＡＱ", "faq")]
    [InlineData("１２３", "123")]
    [InlineData("Hello,\tWorld!\n", "helloworld")]
    [InlineData("怎么 退货？", "怎么退货")]
    [InlineData("“红包”，。？！、《》【】…", "红包")]
    [InlineData("👍发货🎉", "发货")]
    [InlineData("1\uFE0F\u20E3", "1")]
    [InlineData("a\u200Bb\u0000c\u0007", "abc")]
    [InlineData("", "")]
    [InlineData(" \u3000\t", "")]
    public void Normalize_folds_width_and_case_and_drops_spaces_punctuation_and_symbols(string input, string expected) =>
        Assert.Equal(expected, FaqMatcher.Normalize(input));

    [Fact]
    public void Normalize_drops_code_points_that_unicode_normalization_rejects()
    {
        // Built at run time: lone surrogates do not survive test-case serialization.
        Assert.Equal("发货", FaqMatcher.Normalize(new string(['\uD800', '发', '\uDC00', '货', '\uD83D'])));
        Assert.Equal("a1株式会社", FaqMatcher.Normalize("\uFFFEＡ\uFFFF①\uFDD0㍿"));
    }

    [Fact]
    public void Exact_key_matches_without_near()
    {
        var match = FaqMatcher.Match("发货", Docs);
        Assert.Equal((FaqMatchKind.Exact, 0, 0), Summary(match));
    }

    [Theory]
    [InlineData("快递", "发货")]
    [InlineData("退款", "退换货")]
    [InlineData("返佣", "佣金")]
    [InlineData("手气最差", "红包")]
    [InlineData("猜价格", "猜价")]
    [InlineData("双十一", "双11")]
    public void Exact_alias_matches_its_doc(string query, string key)
    {
        var match = FaqMatcher.Match(query, Docs);
        Assert.Equal(FaqMatchKind.Exact, match.Kind);
        Assert.Equal(key, Key(match.Best));
    }

    [Theory]
    [InlineData("ＶＩＰ", "等级")]
    [InlineData("vip", "等级")]
    [InlineData("双１１", "双11")]
    [InlineData("１１１１", "双11")]
    [InlineData("「快递」！", "快递")]
    public void Full_width_case_and_punctuation_do_not_matter_for_exact_matches(string query, string expected)
    {
        var match = FaqMatcher.Match(query, Docs);
        Assert.Equal(FaqMatchKind.Exact, match.Kind);
        Assert.Equal(FaqMatcher.Match(expected, Docs).Best, match.Best);
    }

    [Theory]
    [InlineData("手气 最差", "红包")]
    [InlineData("抢 红 包", "红包")]
    [InlineData("退\u3000换 货", "退换货")]
    public void Spaces_inside_chinese_are_ignored(string query, string key)
    {
        var match = FaqMatcher.Match(query, Docs);
        Assert.Equal(FaqMatchKind.Exact, match.Kind);
        Assert.Equal(key, Key(match.Best));
    }

    [Fact]
    public void A_spaced_sentence_scores_like_the_unspaced_one()
    {
        var spaced = FaqMatcher.Match("怎么 退货", Docs);
        var plain = FaqMatcher.Match("怎么退货", Docs);
        Assert.Equal(plain.Kind, spaced.Kind);
        Assert.Equal(plain.Best, spaced.Best);
        Assert.Equal(plain.Near, spaced.Near);
        Assert.Equal("退换货", Key(plain.Best));
    }

    [Theory]
    [InlineData("你们什么时候发货啊？", "发货")]
    [InlineData("快递到哪了", "发货")]
    [InlineData("物流信息查不到", "发货")]
    [InlineData("返佣比例是多少", "佣金")]
    [InlineData("提现手续费", "提现")]
    [InlineData("怎么升金牌", "等级")]
    [InlineData("双十一活动", "双11")]
    [InlineData("手气", "红包")]
    public void A_sentence_mentioning_one_topic_is_confident(string query, string key)
    {
        var match = FaqMatcher.Match(query, Docs);
        Assert.Equal(FaqMatchKind.Confident, match.Kind);
        Assert.Equal(key, Key(match.Best));
    }

    [Fact]
    public void Refund_question_goes_to_returns_not_withdrawal()
    {
        var match = FaqMatcher.Match("退款多久到账", Docs);
        Assert.Equal(FaqMatchKind.Confident, match.Kind);
        Assert.Equal("退换货", Key(match.Best));
        Assert.Equal(["提现"], NearKeys(match));
    }

    [Fact]
    public void A_query_sharing_a_little_with_two_docs_is_unsure_with_the_other_near()
    {
        var match = FaqMatcher.Match("多久能收到账", Docs);
        Assert.Equal(FaqMatchKind.Unsure, match.Kind);
        Assert.Equal("发货", Key(match.Best));
        Assert.Equal(["提现"], NearKeys(match));
    }

    [Fact]
    public void A_query_naming_two_topics_is_unsure_with_the_other_near()
    {
        var match = FaqMatcher.Match("红包升级", Docs);
        Assert.Equal(FaqMatchKind.Unsure, match.Kind);
        Assert.Equal("等级", Key(match.Best));
        Assert.Equal(["红包"], NearKeys(match));
    }

    [Fact]
    public void A_match_only_on_question_words_is_unsure()
    {
        var match = FaqMatcher.Match("多久到账", Docs);
        Assert.Equal(FaqMatchKind.Unsure, match.Kind);
        Assert.Equal("提现", Key(match.Best));
    }

    [Fact]
    public void Alias_grams_weigh_more_than_question_grams()
    {
        IReadOnlyList<FaqDoc> docs =
        [
            new("政策", "退款政策说明", []),
            new("售后", "售后找谁", ["退款"]),
        ];
        var match = FaqMatcher.Match("退款说明", docs);
        Assert.Equal(1, match.Best);
        Assert.Equal([0], match.Near);
    }

    [Theory]
    [InlineData("zzzz")]
    [InlineData("hello world")]
    [InlineData("我想问一下")]
    [InlineData("asdfghjkl")]
    public void Nonsense_is_none(string query) =>
        Assert.Equal((FaqMatchKind.None, -1, 0), Summary(FaqMatcher.Match(query, Docs)));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n\u3000")]
    [InlineData("？！。…")]
    [InlineData("👍🎉")]
    public void Empty_query_is_none_without_near(string query) =>
        Assert.Equal((FaqMatchKind.None, -1, 0), Summary(FaqMatcher.Match(query, Docs)));

    [Fact]
    public void A_weak_query_is_none_but_lists_the_weak_candidates()
    {
        var match = FaqMatcher.Match("会员活动", Docs);
        Assert.Equal(FaqMatchKind.None, match.Kind);
        Assert.Equal(-1, match.Best);
        Assert.Equal(["等级", "双11"], NearKeys(match));
    }

    [Fact]
    public void A_single_character_only_hints()
    {
        var match = FaqMatcher.Match("单", Docs);
        Assert.Equal(FaqMatchKind.None, match.Kind);
        Assert.Equal(["团购"], NearKeys(match));
    }

    [Fact]
    public void Near_holds_at_most_three_others_best_first()
    {
        var match = FaqMatcher.Match("发货退货提成提现升级", Docs);
        Assert.Equal(FaqMatchKind.Unsure, match.Kind);
        Assert.Equal(3, match.Near.Count);
        Assert.DoesNotContain(match.Best, match.Near);
        Assert.Equal(match.Near.Distinct(), match.Near);
    }

    [Fact]
    public void Ties_are_broken_by_doc_order()
    {
        IReadOnlyList<FaqDoc> docs = [new("苹果手机", "", []), new("苹果电脑", "", [])];
        var match = FaqMatcher.Match("苹果", docs);
        Assert.Equal(FaqMatchKind.Unsure, match.Kind);
        Assert.Equal(0, match.Best);
        Assert.Equal([1], match.Near);

        var reversed = FaqMatcher.Match("苹果", docs.Reverse().ToList());
        Assert.Equal(FaqMatchKind.Unsure, reversed.Kind);
        Assert.Equal(0, reversed.Best);
        Assert.Equal([1], reversed.Near);
    }

    [Fact]
    public void A_shared_alias_goes_to_the_first_doc()
    {
        IReadOnlyList<FaqDoc> docs = [new("甲", "", ["同名"]), new("乙", "", ["同名"])];
        Assert.Equal(0, FaqMatcher.Match("同名", docs).Best);
    }

    [Fact]
    public void Matching_is_deterministic()
    {
        foreach (var query in new[] { "红包升级", "多久能收到账", "会员活动", "你们什么时候发货啊？" })
        {
            var first = FaqMatcher.Match(query, Docs);
            var second = FaqMatcher.Match(query, Docs.ToList());
            Assert.Equal((first.Kind, first.Best), (second.Kind, second.Best));
            Assert.Equal(first.Near, second.Near);
        }
    }

    [Fact]
    public void No_docs_is_none() =>
        Assert.Equal((FaqMatchKind.None, -1, 0), Summary(FaqMatcher.Match("发货", [])));

    [Fact]
    public void Docs_with_empty_names_and_questions_are_harmless()
    {
        IReadOnlyList<FaqDoc> docs = [new("", "", ["", "  ", "？"]), new("发货", "", [])];
        Assert.Equal(1, FaqMatcher.Match("发货", docs).Best);
        Assert.Equal(FaqMatchKind.None, FaqMatcher.Match("zzzz", docs).Kind);
    }

    [Fact]
    public void A_huge_random_string_does_not_throw()
    {
        var random = new Random(20240611);
        for (var round = 0; round < 20; round++)
        {
            var chars = new char[5000];
            for (var i = 0; i < chars.Length; i++) chars[i] = (char)random.Next(0, 0x10000);
            var text = new string(chars);

            FaqMatcher.Normalize(text);
            AssertValid(FaqMatcher.Match(text, Docs));
            AssertValid(FaqMatcher.Match("发货", [.. Docs, new(text, text, [text, "\uD800"])]));
        }
    }

    [Fact]
    public void Emoji_and_control_characters_do_not_throw()
    {
        var text = string.Concat(Enumerable.Repeat("👨‍👩‍👧\u0000\u001b[31m红包\uFEFF🎉\uDBFF", 500));
        var match = FaqMatcher.Match(text, Docs);
        AssertValid(match);
        Assert.Equal("红包", Key(match.Best));
    }

    private static (FaqMatchKind, int, int) Summary(FaqMatch match) => (match.Kind, match.Best, match.Near.Count);

    private static void AssertValid(FaqMatch match)
    {
        if (match.Kind == FaqMatchKind.None) Assert.Equal(-1, match.Best);
        else Assert.InRange(match.Best, 0, Docs.Count);
        Assert.True(match.Near.Count <= 3);
        Assert.DoesNotContain(match.Best, match.Near);
    }
}

"""Chinese names in romanised (pinyin) English: a doubled syllable such as "Yang Yang", "Lang
Lang" or "Xiao Xiao" is a name (a surname with the same given name, or a reduplicated given
name), not an MT stutter. Used by the repetition rule; not a rule itself (the leading
underscore keeps it out of the rule registry)."""

from __future__ import annotations

#: Every Mandarin syllable in pinyin, without tones (ü written "v" or "ü").
PINYIN_SYLLABLES = frozenset("""
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng
di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen
feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian
jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou
ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie
lin ling liu lo long lou lu luan lun luo lv lve lü lüe ma mai man mang mao me mei men meng mi
mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie
nin ning niu nong nou nu nuan nuo nv nve nü nüe o ou pa pai pan pang pao pei pen peng pi pian
piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran
rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha
shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si
song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan
tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu
xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze
zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan
zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
""".split())

#: Syllables that are also common English words a capitalised MT stutter could double ("He He
#: said", "Man Man"): never taken for a name on the syllable alone.
ENGLISH_LOOKALIKES = frozenset("""
a an e o er ei en ou he me she you yo die lie tie pie man men can ran sun long hang bang pen
""".split())

#: Common Chinese surnames in pinyin (and a few Wade-Giles/Cantonese spellings): a doubled
#: word right after one is a given name ("He Yin Yin", "Zhang Tsai Tsai").
SURNAMES = frozenset("""
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang
xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai jia ding wei xue
ye yan lu du dai xia zhong ren fan fang shi yao tan liao zou xiong jin hao kong bai cui kang mao
qiu qin gu hou shao meng long wan duan lei qian yin yi chang qiao lai gong wen ouyang sima
zhuge situ shangguan murong dongfang huangfu chan chow cheung wong leung lee tsang tsai hsu
""".split())

#: Longest word taken for a romanised given name after a surname.
MAX_GIVEN_NAME = 8


def is_chinese_name_double(first: str, second: str, before: str = "") -> bool:
    """Is "``first`` ``second``" (the same word twice), with ``before`` the word in front of
    it ("" if none), a Chinese name rather than a repeat?

    Both copies must be written the same way in title case ("Yang Yang", not "yang yang" or
    "YANG YANG"), and either the word is a pinyin syllable that is not also a common English
    word ("Lang Lang", "Xiao Xiao", "Run Run Shaw"), or a common Chinese surname comes right
    before it ("He Yin Yin", "Chen Tsai Tsai")."""
    if first != second or not first.istitle() or not first.isalpha():
        return False
    word = first.lower()
    if word in PINYIN_SYLLABLES and word not in ENGLISH_LOOKALIKES:
        return True
    return len(word) <= MAX_GIVEN_NAME and before.istitle() and before.lower() in SURNAMES
